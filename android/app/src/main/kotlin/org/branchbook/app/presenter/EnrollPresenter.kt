package org.branchbook.app.presenter

import uniffi.branchbook.EnrollEditor
import uniffi.branchbook.core.CancelHandle
import uniffi.branchbook.core.Enrollment
import uniffi.branchbook.core.EnrollEdit
import uniffi.branchbook.core.EnrollForm
import uniffi.branchbook.core.TextKey

/** What the enroll screen shows. */
data class EnrollState(
    /** The typed address, code and phone name, the last refusal, and whether a try is under way, as the core gives them. */
    val form: EnrollForm,
)

/**
 * Connecting the phone to the Union's server: she scans the QR code the officer shows
 * (the View decodes it, [scanned] gets its text) or types the address and the code. The
 * form lives in the core ([EnrollEditor]), which checks what she typed and says which
 * input a refusal is about. Once enrolled, the first send starts in the background
 * (forms and the member list come down) and the send screen replaces this one to show it.
 */
class EnrollPresenter private constructor(private val scope: AppScope, private val editor: EnrollEditor) :
    Presenter<EnrollState>(EnrollState(editor.screen())) {
    private var cancel: CancelHandle? = null

    /** The enroll screen with the phone named [deviceLabel] until she changes it. */
    constructor(scope: AppScope, deviceLabel: String) :
        this(scope, scope.core.enrollEditor(scope.texts.language).also { it.edit(EnrollEdit.DeviceLabel(deviceLabel)) })

    /** She typed the address, the code or the phone's name. */
    fun edit(edit: EnrollEdit) {
        state = state.copy(form = editor.edit(edit))
    }

    /** Connects with the typed address and code. */
    fun connect() = enroll { handle -> editor.connect(handle) }

    /** The camera (or a scanner app) read QR code [payload]: connects with it. */
    fun scanned(payload: String) = enroll { handle -> editor.connectScanned(payload, handle) }

    /** The camera was refused: she can still type the code. */
    fun cameraDenied() {
        state = state.copy(form = editor.cameraDenied())
    }

    /** Stops connecting. */
    fun cancel() {
        cancel?.cancel()
    }

    private fun enroll(call: (CancelHandle) -> Enrollment) {
        if (state.form.connecting) return
        val texts = scope.texts
        val handle = CancelHandle()
        cancel = handle
        state = state.copy(form = editor.connecting())
        scope.worker.run({ call(handle) }) { result ->
            cancel = null
            handle.close()
            state = state.copy(form = editor.screen())
            result.onSuccess { enrolled ->
                scope.notice(texts.format(TextKey.ENROLL_DONE, "branch" to enrolled.branchName))
                scope.sender.send()
                scope.navigator.replace(Route.Send)
            }
        }
    }
}
