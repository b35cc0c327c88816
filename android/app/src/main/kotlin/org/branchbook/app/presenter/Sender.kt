package org.branchbook.app.presenter

import java.util.concurrent.CopyOnWriteArraySet
import uniffi.branchbook.Branchbook
import uniffi.branchbook.core.CancelHandle
import uniffi.branchbook.core.SyncObserver
import uniffi.branchbook.core.SyncProgress
import uniffi.branchbook.core.SyncReport

/** Where sending is, as the send screen and the phone's notification show it. */
sealed class SendStatus {
    /** Nothing sent since the app started. */
    data object Idle : SendStatus()

    /** A pass is running; [progress] is its latest report (null before the first). */
    data class Running(val progress: SyncProgress?) : SendStatus()

    /** The last pass finished: what went and what came. */
    data class Finished(val report: SyncReport) : SendStatus()

    /** The last pass stopped: no network, a revoked phone, or she pressed Stop. Nothing is lost. */
    data class Failed(val error: Throwable) : SendStatus()
}

/**
 * Sending, for the whole app rather than one screen: one pass at a time runs on its own
 * background thread ([worker], not the presenters' one, so she keeps working while a
 * big upload goes on), and whoever listens (the send screen, the foreground service's
 * notification) hears every step on the UI thread. Leaving the send screen does not
 * stop it; [stop] does, at the core's next safe point, keeping what was sent.
 */
class Sender(private val core: Branchbook, private val worker: Worker) {
    // Copied on write: a listener may come or go while a status is being told.
    private val listeners = CopyOnWriteArraySet<(SendStatus) -> Unit>()
    private var cancel: CancelHandle? = null

    /** The latest status. */
    @Volatile
    var status: SendStatus = SendStatus.Idle
        private set

    /** True while a pass runs. */
    val running: Boolean get() = status is SendStatus.Running

    /** Calls [listener] with every new status (on the UI thread); the returned function stops that. */
    fun listen(listener: (SendStatus) -> Unit): () -> Unit {
        listeners += listener
        return { listeners -= listener }
    }

    /** Starts a pass in the background; false when one is already running. */
    fun send(): Boolean {
        if (running) return false
        val handle = CancelHandle()
        cancel = handle
        publish(SendStatus.Running(null))
        val observer = object : SyncObserver {
            override fun onProgress(progress: SyncProgress) {
                worker.post { if (running) publish(SendStatus.Running(progress)) }
            }
        }
        worker.run({ core.sync(observer, handle) }) { result ->
            cancel = null
            handle.close()
            publish(result.fold({ SendStatus.Finished(it) }, { SendStatus.Failed(it) }))
        }
        return true
    }

    /** Asks the running pass to stop (it ends as [SendStatus.Failed] with the core's `Cancelled`). */
    fun stop() {
        cancel?.cancel()
    }

    private fun publish(next: SendStatus) {
        status = next
        listeners.forEach { it(next) }
    }
}
