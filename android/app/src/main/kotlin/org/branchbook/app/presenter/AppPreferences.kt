package org.branchbook.app.presenter

import java.io.File
import java.util.Properties
import java.util.UUID
import uniffi.branchbook.core.UiLanguage

/**
 * The app's own small settings, kept in a properties file in the app's private folder:
 * the app language, the preferred form label language, this phone's id and the screens
 * that were open (so a phone that killed the app reopens the survey she was filling).
 * Nothing sensitive goes here: answers and names stay in the core's encrypted store.
 * Every change is written at once, through a temporary file and a rename, so a kill
 * leaves the old file or the new one, never half of one.
 */
class AppPreferences(private val file: File) {
    private val values = Properties().apply {
        if (file.isFile) runCatching { file.inputStream().use { load(it) } }
    }

    /** The language of the app's own words; Vietnamese until she picks another. */
    var uiLanguage: UiLanguage
        get() = UiLanguage.entries.firstOrNull { it.name == values.getProperty(UI_LANGUAGE) } ?: UiLanguage.VI
        set(value) = put(UI_LANGUAGE, value.name)

    /** The label language new surveys start in (a form language's name or code); null: each form's default. */
    var formLanguage: String?
        get() = values.getProperty(FORM_LANGUAGE)?.takeIf { it.isNotBlank() }
        set(value) = put(FORM_LANGUAGE, value)

    /** The open screens, bottom first, as [Route.encode] writes them. */
    var routes: List<String>
        get() = values.getProperty(ROUTES)?.split('\n')?.filter { it.isNotBlank() } ?: emptyList()
        set(value) = put(ROUTES, value.joinToString("\n"))

    /** This phone's id for the forms' `deviceid` field: made once, then kept. */
    val deviceId: String
        get() = values.getProperty(DEVICE_ID) ?: ("branchbook:" + UUID.randomUUID()).also { put(DEVICE_ID, it) }

    private fun put(key: String, value: String?) {
        if (value == null) values.remove(key) else values.setProperty(key, value)
        file.parentFile?.mkdirs()
        val tmp = File(file.path + ".tmp")
        tmp.outputStream().use { out ->
            values.store(out, null)
            out.fd.sync()
        }
        if (!tmp.renameTo(file)) throw java.io.IOException("cannot replace $file")
    }

    private companion object {
        const val UI_LANGUAGE = "ui_language"
        const val FORM_LANGUAGE = "form_language"
        const val ROUTES = "routes"
        const val DEVICE_ID = "device_id"
    }
}
