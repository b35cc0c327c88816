package org.branchbook.app.presenter

import uniffi.branchbook.core.SettingsPage
import uniffi.branchbook.core.UiLanguage

/** What the settings screen shows. */
data class SettingsState(
    /** The languages, storage, account and about, as the core gives them; null until read. */
    val page: SettingsPage? = null,
    /** Why something could not be read. */
    val error: String? = null,
)

/**
 * Settings: the app's language (the screens change at once), the label language new
 * surveys start in (chosen among those of the forms on the phone; a survey can still
 * switch in the form), the storage the data takes, the account and branch, and about.
 * The core writes the page from her preferences, which the app keeps, and from the
 * app's release it was opened with.
 */
class SettingsPresenter(private val scope: AppScope) : Presenter<SettingsState>(SettingsState()) {
    /** Reads everything (on showing the screen, after a change). */
    fun refresh() {
        val texts = scope.texts
        val formLanguage = scope.preferences.formLanguage
        scope.worker.run({ scope.core.settingsPage(texts.language, formLanguage) }) { result ->
            state = result.fold({ SettingsState(page = it) }) { SettingsState(error = texts.error(it)) }
        }
    }

    /** She chose the app language: saved, and every screen reads its words in it from now on. */
    fun appLanguage(language: UiLanguage) {
        if (language == scope.preferences.uiLanguage) return
        scope.preferences.uiLanguage = language
        refresh()
    }

    /** She chose the label language new surveys start in (null: each form's own default). */
    fun formLanguage(name: String?) {
        scope.preferences.formLanguage = name
        refresh()
    }
}
