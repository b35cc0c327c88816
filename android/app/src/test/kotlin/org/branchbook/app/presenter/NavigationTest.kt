package org.branchbook.app.presenter

import java.io.File
import java.nio.file.Files
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNotEquals
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import uniffi.branchbook.core.UiLanguage

/** The screens she had open and the app's settings survive the app being killed. */
class NavigationTest {
    private val every = listOf(
        Route.Enroll, Route.Home, Route.Households, Route.Household("0193a0c4-0000-7000-8000-000000000001"),
        Route.HouseholdEdit(null), Route.HouseholdEdit("0193a0c4-0000-7000-8000-000000000002"),
        Route.FormPicker(null), Route.FormPicker("0193a0c4-0000-7000-8000-000000000003"),
        Route.Survey("0193a0c4-0000-7000-8000-000000000004"), Route.Gatherings, Route.GatheringNew,
        Route.GatheringEdit("0193a0c4-0000-7000-8000-000000000005"),
        Route.Gathering("0193a0c4-0000-7000-8000-000000000005"), Route.Send, Route.Settings,
    )

    @Test
    fun `every route reads back as written, and lines it did not write read as nothing`() {
        for (route in every) assertEquals(route, Route.decode(route.encode()), route.encode())
        assertEquals(every.size, every.map { it.encode() }.toSet().size, "two routes share a line")
        for (junk in listOf("", "survey", "home x", "household a b", "nowhere", "survey  ")) {
            assertNull(Route.decode(junk), junk)
        }
    }

    @Test
    fun `the stack is saved on every move and comes back after a restart`() = withFolder { dir ->
        val prefs = AppPreferences(File(dir, "p.properties"))
        val nav = Navigator(prefs)
        val seen = mutableListOf<Route>()
        nav.onChange = { seen += it }
        assertEquals(Route.Home, nav.current)
        nav.open(Route.Households)
        nav.open(Route.HouseholdEdit(null))
        nav.replace(Route.Household("h1"))
        nav.open(Route.Survey("s1"))
        assertEquals(listOf(Route.Households, Route.HouseholdEdit(null), Route.Household("h1"), Route.Survey("s1")), seen)

        // The process dies; a new one reads the same file.
        val again = Navigator(AppPreferences(File(dir, "p.properties")))
        assertEquals(listOf(Route.Home, Route.Households, Route.Household("h1"), Route.Survey("s1")), again.routes)
        assertTrue(again.back())
        assertEquals(Route.Household("h1"), again.current)
        again.home()
        assertEquals(listOf(Route.Home), again.routes)
        assertFalse(again.back(), "Home is the bottom: back leaves the app")
        assertEquals(listOf(Route.Home), Navigator(AppPreferences(File(dir, "p.properties"))).routes)
    }

    @Test
    fun `preferences default to Vietnamese, keep her choices and one device id`() = withFolder { dir ->
        val file = File(dir, "p.properties")
        val prefs = AppPreferences(file)
        assertEquals(UiLanguage.VI, prefs.uiLanguage)
        assertNull(prefs.formLanguage)
        val id = prefs.deviceId
        prefs.uiLanguage = UiLanguage.EN
        prefs.formLanguage = "Hmoob (hmn)"
        val reread = AppPreferences(file)
        assertEquals(UiLanguage.EN, reread.uiLanguage)
        assertEquals("Hmoob (hmn)", reread.formLanguage)
        assertEquals(id, reread.deviceId)
        assertNotEquals(id, AppPreferences(File(dir, "other.properties")).deviceId)
        reread.formLanguage = null
        assertNull(AppPreferences(file).formLanguage)
        assertFalse(File(dir, "p.properties.tmp").exists(), "the temporary file is renamed into place")
        // A damaged value falls back to the default instead of failing.
        file.writeText("ui_language=KLINGON\nroutes=survey\\nnowhere\\nsend\n")
        assertEquals(UiLanguage.VI, AppPreferences(file).uiLanguage)
        assertEquals(listOf(Route.Home, Route.Send), Navigator(AppPreferences(file)).routes)
    }

    private fun withFolder(body: (File) -> Unit) {
        val dir = Files.createTempDirectory("branchbook-prefs").toFile()
        try {
            body(dir)
        } finally {
            dir.deleteRecursively()
        }
    }
}
