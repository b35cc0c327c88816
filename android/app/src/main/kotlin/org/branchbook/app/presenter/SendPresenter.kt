package org.branchbook.app.presenter

import uniffi.branchbook.core.BranchbookException
import uniffi.branchbook.core.RecordKind
import uniffi.branchbook.core.SyncProgress
import uniffi.branchbook.syncProgressView
import uniffi.branchbook.syncReportText
import uniffi.branchbook.core.RefusedRow as CoreRefusedRow

/** A record the server did not accept, with its reason and a way to send it again. */
data class RefusedRow(
    /** The record's id. */
    val id: String,
    /** The revision that was refused. */
    val revision: UInt,
    /** "Survey: unknown form version ...". */
    val text: String,
    /** When the server said so, in Vietnam's time. */
    val at: String,
    /** Where [edit] takes her to correct it (a survey or a gathering); null when it can only be sent again. */
    val opens: Route? = null,
)

/** What the send screen shows. */
data class SendState(
    /** False until the phone is enrolled: then the screen offers to connect instead. */
    val enrolled: Boolean = true,
    /** Why it cannot send yet (not connected to a server), shown above the enroll button. */
    val notEnrolled: String? = null,
    /** "Last sent: ..." on Vietnam's clock, once a send has gone through. */
    val lastSent: String? = null,
    /** "Waiting to be sent: 3 records, 2 photos (1.2 MB)" or "Nothing left to send". */
    val waiting: String = "",
    /** True while a pass runs (the button is replaced by Stop and the progress bar). */
    val sending: Boolean = false,
    /** What the pass does now: "Sending records: 3 of 10". */
    val phase: String? = null,
    /** The progress bar, 0 to 100, when the phase knows its total. */
    val percent: Int? = null,
    /** Bytes moved in this phase: "1.2 MB / 3.4 MB". */
    val bytes: String? = null,
    /** How the last pass ended: what was sent, or why it stopped. */
    val result: String? = null,
    /** True when the server no longer accepts this phone: the message says whom to call. */
    val revoked: Boolean = false,
    /** The heading of [refused], when there are any. */
    val refusedTitle: String? = null,
    /** Records the server refused, most recent first. */
    val refused: List<RefusedRow> = emptyList(),
    /** Why the outbox could not be read. */
    val error: String? = null,
)

/**
 * Sending: one button starts a pass in the background ([Sender]), the screen shows its
 * phase, a progress bar with items and bytes, then what was sent and what the server
 * refused and why (each refused record can be queued again, and a survey or gathering
 * opened to be corrected). A pass goes on when she
 * leaves the screen; coming back shows where it is. A revoked phone, no network and
 * Stop each get a plain sentence; nothing on the phone is lost in any of them.
 */
class SendPresenter(private val scope: AppScope) : Presenter<SendState>(SendState()) {
    private var unlisten: (() -> Unit)? = null

    /** Starts following the sender and reads the outbox (on showing the screen). */
    fun start() {
        if (unlisten == null) unlisten = scope.sender.listen(::onStatus)
        heard(scope.sender.status, refresh = true)
    }

    /** Stops following the sender (the screen went away; the pass goes on). */
    fun stop() {
        unlisten?.invoke()
        unlisten = null
    }

    /** The one button: sends everything that waits (and gets new forms and roster changes). */
    fun send() {
        if (!state.enrolled) return enroll()
        state = state.copy(result = null, revoked = false)
        scope.sender.send()
    }

    /** Stops the running pass; what was sent stays sent. */
    fun stopSending() = scope.sender.stop()

    /** Queues refused record [id] at [revision] again, for the next send. */
    fun sendAgain(id: String, revision: UInt) {
        val texts = scope.texts
        scope.worker.run({ scope.core.sendAgain(id, revision) }) { result ->
            result.onSuccess { refresh() }.onFailure { state = state.copy(error = texts.error(it)) }
        }
    }

    /**
     * Opens refused [row] for her to correct: the survey as a draft again, the gathering
     * open again. Finishing it queues the corrected record for the next send.
     */
    fun edit(row: RefusedRow) {
        val route = row.opens ?: return
        val texts = scope.texts
        scope.worker.run({ scope.core.reopenRefused(row.id, row.revision) }) { result ->
            result.onSuccess { scope.navigator.open(route) }.onFailure { state = state.copy(error = texts.error(it)) }
        }
    }

    /** Opens the enroll screen (a phone that is not connected yet). */
    fun enroll() = scope.navigator.open(Route.Enroll)

    /** Reads what waits and what was refused (the core's send screen, in her language). */
    fun refresh() {
        val texts = scope.texts
        scope.worker.run({ scope.core.sendScreen(texts.language) }) { result ->
            result.onSuccess { screen ->
                state = state.copy(
                    enrolled = screen.notEnrolled == null,
                    notEnrolled = screen.notEnrolled,
                    lastSent = screen.lastSent,
                    waiting = screen.waiting,
                    refusedTitle = screen.refusedTitle,
                    refused = screen.refused.map { RefusedRow(it.id, it.revision, it.text, it.at, opens(it)) },
                    error = null,
                )
            }.onFailure { state = state.copy(error = texts.error(it)) }
        }
    }

    private fun onStatus(status: SendStatus) = heard(status, refresh = status !is SendStatus.Running)

    private fun heard(status: SendStatus, refresh: Boolean) {
        val texts = scope.texts
        state = when (status) {
            SendStatus.Idle -> state.copy(sending = false)
            is SendStatus.Running -> running(status.progress, texts)
            is SendStatus.Finished -> state.copy(sending = false, phase = null, percent = null, bytes = null, result = syncReportText(status.report, texts.language))
            is SendStatus.Failed -> state.copy(
                sending = false,
                phase = null,
                percent = null,
                bytes = null,
                revoked = status.error is BranchbookException.DeviceRevoked,
                result = (status.error as? BranchbookException)?.sendMessage(texts.language) ?: texts.error(status.error),
            )
        }
        if (refresh) refresh()
    }

    private fun running(progress: SyncProgress?, texts: Texts): SendState {
        val view = syncProgressView(progress, texts.language)
        return state.copy(sending = true, result = null, revoked = false, phase = view.sentence, percent = view.percent?.toInt(), bytes = view.bytes)
    }

    private companion object {
        /** The screen that corrects refused [row], when the core offers to. */
        fun opens(row: CoreRefusedRow): Route? = if (!row.correctable) null else when (row.kind) {
            RecordKind.SUBMISSION -> Route.Survey(row.id)
            RecordKind.GATHERING -> Route.Gathering(row.id)
            else -> null
        }
    }
}
