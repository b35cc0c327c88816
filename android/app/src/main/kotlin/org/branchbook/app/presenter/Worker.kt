package org.branchbook.app.presenter

/**
 * Where presenters run their calls into the core. On the phone, [work] runs on one
 * background thread (calls stay in the order the user made them, and a slow call never
 * freezes the screen) and [done] is posted back to the UI thread; presenters touch their
 * state only in [done] and in their event methods, so state lives on the UI thread alone.
 * On the JVM the tests run both at once with [Inline].
 */
interface Worker {
    /** Runs [work] off the UI thread, then [done] on it with what [work] returned or threw. */
    fun <T> run(work: () -> T, done: (Result<T>) -> Unit)

    /** Runs [action] on the UI thread (from a background thread: a send's progress). */
    fun post(action: () -> Unit)

    /** Runs both parts at once on the calling thread: tests, and work that is already off the UI thread. */
    object Inline : Worker {
        override fun <T> run(work: () -> T, done: (Result<T>) -> Unit) {
            done(runCatching(work))
        }

        override fun post(action: () -> Unit) = action()
    }
}
