package org.branchbook.app.presenter

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import uniffi.branchbook.core.UiLanguage
import uniffi.branchbook.formatBytes

class SettingsPresenterTest {
    @Test
    fun `the app language changes every screen's words at once and is kept`() = TestApp.with { app ->
        val p = SettingsPresenter(app.scope)
        p.refresh()
        assertNull(p.state.error)
        with(p.state.page!!) {
            assertEquals(listOf(UiLanguage.VI to "Tiếng Việt", UiLanguage.EN to "English"), appLanguages.map { it.language to it.name }, "each in itself")
            assertEquals(UiLanguage.VI, appLanguages.single { it.chosen }.language)
            assertEquals("Phiên bản 1.4.2 (57)", version, "the release TestApp opened the core with")
            assertTrue(about.startsWith("Ứng dụng giúp chi hội trưởng"), about)
            assertEquals(listOf("Tài khoản: lo.thi.mai"), account, "her account; no branch before enrollment")
        }
        p.appLanguage(UiLanguage.EN)
        assertEquals(UiLanguage.EN, p.state.page!!.appLanguages.single { it.chosen }.language)
        assertEquals(listOf("Tiếng Việt", "English"), p.state.page!!.appLanguages.map { it.name })
        assertEquals("Version 1.4.2 (57)", p.state.page!!.version)
        val home = HomePresenter(app.scope)
        home.refresh()
        assertEquals("Unfinished surveys: 0", home.state.counts[0])
        assertEquals(UiLanguage.EN, app.restarted().use { it.preferences.uiLanguage }, "kept after a restart")
    }

    @Test
    fun `the form label language offers the forms' languages and new surveys start in it`() = TestApp.with { app ->
        val form = app.importHouseholdSurvey()
        val offered = app.core.form(form, null).languages.map { it.name }
        assertTrue(offered.size >= 2, "the example form is bilingual: $offered")
        val p = SettingsPresenter(app.scope)
        p.refresh()
        assertEquals(listOf(null) + offered, p.state.page!!.formLanguages.map { it.language })
        assertEquals("Theo biểu mẫu", p.state.page!!.formLanguages.first().name)
        assertNull(p.state.page!!.formLanguages.single { it.chosen }.language)

        val chosen = offered.last()
        p.formLanguage(chosen)
        assertEquals(chosen, p.state.page!!.formLanguages.single { it.chosen }.language)
        assertEquals(chosen, app.preferences.formLanguage)
        FormPickerPresenter(app.scope, null).start(form)
        val survey = (app.navigator.current as Route.Survey).submissionId
        assertEquals(chosen, app.core.resumeSurvey(survey).use { it.language() })

        p.formLanguage(null)
        assertNull(app.preferences.formLanguage)
    }

    @Test
    fun `storage used counts the data and the photos`() = TestApp.with { app ->
        val g = app.core.createGathering(
            uniffi.branchbook.core.GatheringDetails(uniffi.branchbook.core.GatheringKind.TRAINING, "Nuôi con khỏe", "Bản Dền", java.time.Instant.now(), "", ""),
        )
        app.core.attachGatheringPhoto(g.uuid, app.cameraJpeg("photo.jpg", 900, 700).path)
        val p = SettingsPresenter(app.scope)
        p.refresh()
        val usage = app.core.storageUsage()
        assertTrue(usage.photoBytes > 0uL && usage.databaseBytes > 0uL)
        assertEquals(
            "Dữ liệu ${formatBytes(usage.databaseBytes, UiLanguage.VI)}, ảnh ${formatBytes(usage.photoBytes, UiLanguage.VI)}",
            p.state.page!!.storage,
        )
    }
}
