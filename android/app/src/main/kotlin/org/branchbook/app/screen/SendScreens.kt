package org.branchbook.app.screen

import android.text.InputType
import android.widget.ProgressBar
import org.branchbook.app.presenter.AppScope
import org.branchbook.app.presenter.EnrollPresenter
import org.branchbook.app.presenter.EnrollState
import org.branchbook.app.presenter.SendPresenter
import org.branchbook.app.presenter.SendState
import org.branchbook.app.presenter.SettingsPresenter
import org.branchbook.app.presenter.SettingsState
import uniffi.branchbook.core.EnrollEdit
import uniffi.branchbook.core.TextKey

/** Sending: one button, progress, what was sent and refused. */
class SendScreen(ui: Ui, scope: AppScope) : StateScreen<SendState, SendPresenter>(ui, SendPresenter(scope), scope.texts[TextKey.SEND_TITLE]) {
    private val texts = scope.texts

    override fun load() {
        // StateScreen's start shows the state; the presenter's start follows the sender and reads the outbox.
        p.start()
    }

    override fun stop() {
        p.stop()
        super.stop()
    }

    override fun render(state: SendState) {
        state.notEnrolled?.let {
            show(ui.text(it))
            show(ui.button(texts[TextKey.ENROLL_TITLE], p::enroll))
        }
        show(ui.text(state.waiting, 18f))
        state.lastSent?.let { show(ui.text(it, 15f)) }
        state.error?.let { show(ui.error(it)) }
        if (state.sending) {
            state.phase?.let { show(ui.text(it, 18f, bold = true)) }
            show(ProgressBar(ui.context, null, android.R.attr.progressBarStyleHorizontal).apply {
                max = 100
                isIndeterminate = state.percent == null
                progress = state.percent ?: 0
                minimumHeight = ui.dp(24)
            })
            state.bytes?.let { show(ui.text(it)) }
            show(ui.text(texts[TextKey.SEND_IN_BACKGROUND], 15f))
            show(ui.button(texts[TextKey.SEND_STOP], p::stopSending))
        } else if (state.enrolled) {
            show(ui.button(texts[TextKey.SEND_BUTTON], p::send))
        }
        state.result?.let { show(if (state.revoked) ui.error(it) else ui.text(it, 18f, bold = true)) }
        state.refusedTitle?.let { show(ui.heading(it)) }
        state.refused.forEach { r ->
            show(ui.text(r.text))
            show(ui.text(r.at, 14f))
            if (r.opens != null) show(ui.button(texts[TextKey.ACTION_EDIT]) { p.edit(r) })
            show(ui.button(texts[TextKey.SEND_AGAIN]) { p.sendAgain(r.id, r.revision) })
        }
    }
}

/** Connecting the phone: scan the QR code or type the address and code. */
class EnrollScreen(ui: Ui, scope: AppScope, deviceLabel: String, private val host: Host) :
    StateScreen<EnrollState, EnrollPresenter>(ui, EnrollPresenter(scope, deviceLabel)) {
    private val texts = scope.texts

    init {
        val form = p.state.form
        with(ui) {
            keep(title(texts[TextKey.ENROLL_TITLE]))
            keep(text(texts[TextKey.ENROLL_INTRO]))
            keep(button(texts[TextKey.ENROLL_SCAN_QR]) { host.scanQr(p::scanned, p::cameraDenied) })
            keep(labelled(texts[TextKey.ENROLL_SERVER], input("https://", form.server, InputType.TYPE_CLASS_TEXT or InputType.TYPE_TEXT_VARIATION_URI) { p.edit(EnrollEdit.Server(it)) }))
            keep(labelled(texts[TextKey.ENROLL_CODE], input("", form.code, InputType.TYPE_CLASS_TEXT or InputType.TYPE_TEXT_FLAG_CAP_CHARACTERS) { p.edit(EnrollEdit.Code(it)) }))
            keep(labelled(texts[TextKey.ENROLL_DEVICE_LABEL], input("", form.deviceLabel) { p.edit(EnrollEdit.DeviceLabel(it)) }))
        }
    }

    override fun load() {}

    override fun render(state: EnrollState) {
        state.form.error?.let { show(ui.error(state.form.errorAbout, it)) }
        if (state.form.connecting) {
            state.form.status?.let { show(ui.text(it, 18f, bold = true)) }
            show(ui.button(texts[TextKey.ACTION_CANCEL], p::cancel))
        } else {
            show(ui.button(texts[TextKey.ENROLL_SUBMIT], p::connect))
        }
    }
}

/** Languages, storage, account, about. */
class SettingsScreen(ui: Ui, scope: AppScope, private val languageChanged: () -> Unit) :
    StateScreen<SettingsState, SettingsPresenter>(ui, SettingsPresenter(scope), scope.texts[TextKey.SETTINGS_TITLE]) {
    private val texts = scope.texts

    override fun load() = p.refresh()

    override fun render(state: SettingsState) {
        state.error?.let { show(ui.error(it)) }
        val page = state.page ?: return
        with(ui) {
            val appLanguage = page.appLanguages.first { it.chosen }.language
            show(labelled(texts[TextKey.SETTINGS_APP_LANGUAGE], choice(page.appLanguages.map { it.language to it.name }, appLanguage) {
                p.appLanguage(it)
                languageChanged()
            }))
            val formLanguage = page.formLanguages.firstOrNull { it.chosen }?.language
            show(labelled(texts[TextKey.SETTINGS_FORM_LANGUAGE], choice(page.formLanguages.map { it.language to it.name }, formLanguage) { p.formLanguage(it) }))
            show(heading(texts[TextKey.SETTINGS_STORAGE]))
            show(text(page.storage))
            page.account.forEach { show(text(it)) }
            show(heading(texts[TextKey.SETTINGS_ABOUT]))
            show(text(page.about))
            show(text(page.version, 15f))
        }
    }
}
