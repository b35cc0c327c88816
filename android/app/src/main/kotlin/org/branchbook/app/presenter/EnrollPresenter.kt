package org.branchbook.app.presenter

import uniffi.branchbook.core.BranchbookException
import uniffi.branchbook.core.CancelHandle
import uniffi.branchbook.core.Enrollment
import uniffi.branchbook.core.InputField
import uniffi.branchbook.core.TextKey

/** The inputs of the enroll screen that an error can point at. */
enum class EnrollField { SERVER, CODE }

/** What the enroll screen shows. */
data class EnrollState(
    /** The server address as typed (`https://...`). */
    val server: String = "",
    /** The enrollment code as typed. */
    val code: String = "",
    /** The name of this phone, for the officers' list of devices. */
    val deviceLabel: String = "",
    /** True while connecting (the button is replaced by Cancel). */
    val busy: Boolean = false,
    /** "Connecting…" while busy. */
    val status: String? = null,
    /** The input [error] is about. */
    val invalid: EnrollField? = null,
    /** What went wrong. */
    val error: String? = null,
)

/**
 * Connecting the phone to the Union's server: she scans the QR code the officer shows
 * (the View decodes it, [scanned] gets its text) or types the address and the code.
 * Once enrolled, the first send starts in the background (forms and the member list
 * come down) and the send screen replaces this one to show it.
 */
class EnrollPresenter(private val scope: AppScope, deviceLabel: String) : Presenter<EnrollState>(EnrollState(deviceLabel = deviceLabel)) {
    private var cancel: CancelHandle? = null

    /** She typed the server address. */
    fun server(text: String) = edit { copy(server = text) }

    /** She typed the code. */
    fun code(text: String) = edit { copy(code = text) }

    /** She named the phone. */
    fun deviceLabel(text: String) = edit { copy(deviceLabel = text) }

    /** Connects with the typed address and code. */
    fun connect() {
        val s = state
        if (s.server.isBlank()) return refuse(EnrollField.SERVER, scope.texts[TextKey.ERROR_INVALID_INPUT])
        if (s.code.isBlank()) return refuse(EnrollField.CODE, scope.texts[TextKey.ERROR_INVALID_INPUT])
        enroll(qr = false) { handle -> scope.core.enroll(s.server.trim(), s.code.trim(), label(), handle) }
    }

    /** The camera (or a scanner app) read QR code [payload]: connects with it. */
    fun scanned(payload: String) = enroll(qr = true) { handle -> scope.core.enrollWithQr(payload, label(), handle) }

    /** The camera was refused: she can still type the code. */
    fun cameraDenied() = refuse(null, scope.texts[TextKey.ENROLL_CAMERA_DENIED])

    /** Stops connecting. */
    fun cancel() {
        cancel?.cancel()
    }

    private fun enroll(qr: Boolean, call: (CancelHandle) -> Enrollment) {
        if (state.busy) return
        val texts = scope.texts
        val handle = CancelHandle()
        cancel = handle
        state = state.copy(busy = true, status = texts[TextKey.ENROLL_CONNECTING], invalid = null, error = null)
        scope.worker.run({ call(handle) }) { result ->
            cancel = null
            handle.close()
            result.onSuccess { enrolled ->
                state = state.copy(busy = false, status = null)
                scope.notice(texts.format(TextKey.ENROLL_DONE, "branch" to enrolled.branchName))
                scope.sender.send()
                scope.navigator.replace(Route.Send)
            }.onFailure { failure ->
                val field = when ((failure as? BranchbookException.InvalidInput)?.field) {
                    is InputField.ServerAddress -> EnrollField.SERVER
                    is InputField.EnrollmentCode -> EnrollField.CODE
                    else -> if (failure is BranchbookException.ServerRefused) EnrollField.CODE else null
                }
                val message = if (qr && field == EnrollField.CODE && failure is BranchbookException.InvalidInput) texts[TextKey.ENROLL_BAD_QR]
                else texts.error(failure)
                state = state.copy(busy = false, status = null, invalid = field, error = message)
            }
        }
    }

    private fun label(): String = state.deviceLabel.trim().ifEmpty { scope.preferences.deviceId }

    private fun refuse(field: EnrollField?, message: String) {
        state = state.copy(invalid = field, error = message)
    }

    private fun edit(change: EnrollState.() -> EnrollState) {
        state = state.change().copy(invalid = null, error = null)
    }
}
