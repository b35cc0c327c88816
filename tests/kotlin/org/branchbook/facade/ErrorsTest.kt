package org.branchbook.facade

import java.io.File
import java.nio.file.Files
import java.util.UUID
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import uniffi.branchbook.core.InputField
import uniffi.branchbook.Branchbook
import uniffi.branchbook.core.AppRelease
import uniffi.branchbook.core.BranchbookException
import uniffi.branchbook.core.HouseholdInput
import uniffi.branchbook.core.UiLanguage

/**
 * Every failure reaches Kotlin as a typed BranchbookException subclass with its context and a
 * sentence for the user; objects are closed with `use`; and no test ever expects a Rust panic.
 */
class ErrorsTest {
    @Test
    fun `a malformed id and an unknown id are typed exceptions with a message for her`() = Fixtures.withApp { app, _ ->
        val malformed = assertThrows<BranchbookException.InvalidInput> { app.household("not-a-household-id") }
        assertEquals(InputField.Id, malformed.field)
        val unknown = UUID.randomUUID().toString()
        val missing = assertThrows<BranchbookException.NotFound> { app.gathering(unknown) }
        assertEquals("gathering" to unknown, missing.what to missing.id)
        assertEquals("Không tìm thấy mục này. Có thể nó đã bị xóa.", missing.userMessage(UiLanguage.VI))
        assertEquals("This item was not found. It may have been deleted.", missing.userMessage(UiLanguage.EN))
        assertThrows<BranchbookException.NotFound> { app.resumeSurvey(UUID.randomUUID().toString()) }
        assertThrows<BranchbookException.InvalidInput> { app.checkIn(unknown, "12") }

        val empty = assertThrows<BranchbookException.InvalidInput> {
            app.createHousehold(HouseholdInput("  ", "", "Giàng A Páo", listOf(), ""))
        }
        assertEquals(InputField.Village, empty.field)
        assertNull(empty.member)
        val h = app.createHousehold(HouseholdInput("Bản Phùng", "", "Giàng A Páo", listOf(), ""))
        app.editHousehold(h.uuid, h.revision, HouseholdInput("Bản Phùng", "số 4", "Giàng A Páo", listOf(), ""))
        val stale = assertThrows<BranchbookException.Stale> {
            app.editHousehold(h.uuid, h.revision, HouseholdInput("Bản Phùng", "số 5", "Giàng A Páo", listOf(), ""))
        }
        assertTrue(stale.userMessage(UiLanguage.VI).startsWith("Mục này vừa được cập nhật"))
        val form = assertThrows<BranchbookException.FormInvalid> {
            app.importFormJson(Fixtures.childRegisterJson.readText().replace(". >= 0 and . < 18", ". > \${nowhere}"))
        }
        assertTrue(form.problems.any { it.message.contains("nowhere") }) { form.problems.toString() }
    }

    @Test
    fun `an encrypted data folder opens only with its key, and closed objects refuse calls`() {
        val dir = Files.createTempDirectory("branchbook-key").toFile()
        try {
            val key = ByteArray(32) { it.toByte() }
            Branchbook.open(dir.path, key, "phone", AppRelease("", "")).use { it.importFormJson(Fixtures.childRegisterJson.readText()) }
            assertThrows<BranchbookException.WrongKey> { Branchbook.open(dir.path, ByteArray(32), "phone", AppRelease("", "")) }
            assertThrows<BranchbookException.WrongKey> { Branchbook.open(dir.path, null, "phone", AppRelease("", "")) }
            assertEquals(InputField.Key, assertThrows<BranchbookException.InvalidInput> { Branchbook.open(dir.path, ByteArray(5), "phone", AppRelease("", "")) }.field)
            val app = Branchbook.open(dir.path, key, "phone", AppRelease("", ""))
            val session = app.use { it.startSurvey("child_register", null, null, null) }
            // The session keeps the data open after the app object is closed; closing it ends both.
            session.use { assertEquals("Họ tên người mẹ", it.screen().questions.first().label) }
            assertThrows<IllegalStateException> { session.screen() }
            assertThrows<IllegalStateException> { app.listForms(false) }
        } finally {
            dir.deleteRecursively()
        }
    }

    /**
     * A Rust panic crosses the FFI as uniffi's "internal" exception type. The facade has none by
     * design, so no test may expect one: any panic then fails the test that met it. This checks
     * that no Kotlin test (ours or the presenters') names that exception type at all.
     */
    @Test
    fun `no test expects a Rust panic`() {
        val panicType = "Internal" + "Exception"
        val roots = listOf("tests/kotlin", "android/app/src/test").map { File(Fixtures.repo, it) }
        val sources = roots.filter { it.isDirectory }.flatMap { root -> root.walk().filter { it.extension == "kt" }.toList() }
        assertTrue(sources.size >= 5, "found the test sources: $sources")
        val offenders = sources.filter { it.readText().contains(panicType) }
        assertEquals(listOf<File>(), offenders, "tests that mention $panicType")
    }
}
