package org.branchbook.app.presenter

import uniffi.branchbook.core.TextKey
import uniffi.branchbook.core.UiLanguage
import uniffi.branchbook.formatBytes

/** One option of a settings choice: what is stored, and how it reads. */
data class SettingOption<T>(
    /** The value saved when she picks it. */
    val value: T,
    /** Its name in the app language. */
    val label: String,
)

/** What the settings screen shows. */
data class SettingsState(
    /** The app languages (Vietnamese, English). */
    val appLanguages: List<SettingOption<UiLanguage>> = emptyList(),
    /** The one in use. */
    val appLanguage: UiLanguage = UiLanguage.VI,
    /** "As the form says", then every label language of the forms on the phone. */
    val formLanguages: List<SettingOption<String?>> = emptyList(),
    /** The one new surveys start in (null: each form's default). */
    val formLanguage: String? = null,
    /** "Data 1.2 MB, photos 3.4 MB". */
    val storage: String = "",
    /** "Account: mai.lo", and the branch, once enrolled. */
    val account: List<String> = emptyList(),
    /** What the app is for. */
    val about: String = "",
    /** "Version 0.1.0". */
    val version: String = "",
    /** Why something could not be read. */
    val error: String? = null,
)

/**
 * Settings: the app's language (the screens change at once), the label language new
 * surveys start in (chosen among those of the forms on the phone; a survey can still
 * switch in the form), the storage the data takes, the account and branch, and about.
 */
class SettingsPresenter(private val scope: AppScope, private val appVersion: String) : Presenter<SettingsState>(SettingsState()) {
    /** Reads everything (on showing the screen, after a change). */
    fun refresh() {
        val texts = scope.texts
        val preferences = scope.preferences
        scope.worker.run({
            val core = scope.core
            Triple(core.formLanguages(), core.storageUsage(), core.enrollment())
        }) { result ->
            state = result.fold({ (languages, usage, enrollment) ->
                SettingsState(
                    appLanguages = UiLanguage.entries.map { SettingOption(it, texts[languageKey(it)]) },
                    appLanguage = texts.language,
                    formLanguages = listOf(SettingOption<String?>(null, texts[TextKey.SETTINGS_FORM_LANGUAGE_DEFAULT])) +
                        languages.map { SettingOption(it, it) },
                    formLanguage = preferences.formLanguage,
                    storage = texts.format(
                        TextKey.SETTINGS_STORAGE_DETAIL,
                        "data" to formatBytes(usage.databaseBytes, texts.language),
                        "photos" to formatBytes(usage.photoBytes, texts.language),
                    ),
                    account = listOfNotNull(
                        enrollment?.let { texts.format(TextKey.SETTINGS_ACCOUNT, "account" to it.account) },
                        enrollment?.let { (it.areaPath + it.branchName).joinToString(" › ") },
                    ),
                    about = texts[TextKey.SETTINGS_ABOUT_BODY],
                    version = texts.format(TextKey.SETTINGS_VERSION, "version" to appVersion),
                )
            }) { SettingsState(error = texts.error(it)) }
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
        state = state.copy(formLanguage = name)
    }

    private companion object {
        fun languageKey(language: UiLanguage): TextKey = when (language) {
            UiLanguage.VI -> TextKey.LANGUAGE_VI
            UiLanguage.EN -> TextKey.LANGUAGE_EN
        }
    }
}
