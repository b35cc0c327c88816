package org.branchbook.app.presenter

import uniffi.branchbook.Branchbook

/**
 * What every presenter works with: the core opened on the app's data, the app's
 * preferences, the stack of screens, the worker that keeps core calls off the UI
 * thread and the sender that uploads in the background. The Activity makes one at start; the tests make one on a temporary folder.
 */
class AppScope(
    /** The core's app object (the encrypted store of this phone). */
    val core: Branchbook,
    /** The app's own settings. */
    val preferences: AppPreferences,
    /** The open screens. */
    val navigator: Navigator,
    /** Runs core calls off the UI thread. */
    val worker: Worker,
    /** Sends in the background, for the whole app. */
    val sender: Sender,
) {
    private var cached: Texts? = null

    /** Shows a short message that outlives the screen it came from ("Survey finished"), as a toast. */
    var onNotice: ((String) -> Unit)? = null

    /** Tells her [text] whatever screen comes next. */
    fun notice(text: String) {
        onNotice?.invoke(text)
    }

    /** The words in the app language chosen now. */
    val texts: Texts
        get() = cached?.takeIf { it.language == preferences.uiLanguage }
            ?: Texts(preferences.uiLanguage).also { cached = it }
}

/**
 * A screen's behaviour: it holds the screen's state, changes it on the user's events and
 * on the core's answers, and tells the View through [onChange] (state in, events out).
 * The View only draws [state] and forwards taps; nothing here touches Android.
 */
abstract class Presenter<S>(initial: S) {
    /** Called on the UI thread with every new state. */
    var onChange: ((S) -> Unit)? = null

    /** What the screen shows now. */
    var state: S = initial
        protected set(value) {
            field = value
            onChange?.invoke(value)
        }
}
