package org.branchbook.app

import android.os.Handler
import android.os.Looper
import java.util.concurrent.Executors
import org.branchbook.app.presenter.Worker

/**
 * The phone's [Worker]: work runs in order on one background thread named [name], and
 * its result comes back on the main (UI) thread.
 */
class AndroidWorker(name: String) : Worker {
    private val thread = Executors.newSingleThreadExecutor { Thread(it, name).apply { isDaemon = true } }
    private val main = Handler(Looper.getMainLooper())

    override fun <T> run(work: () -> T, done: (Result<T>) -> Unit) {
        thread.execute {
            val result = runCatching(work)
            main.post { done(result) }
        }
    }

    override fun post(action: () -> Unit) {
        main.post(action)
    }
}
