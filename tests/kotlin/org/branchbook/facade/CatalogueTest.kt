package org.branchbook.facade

import java.time.Instant
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import uniffi.branchbook.core.RecordKind
import uniffi.branchbook.ageGroupName
import uniffi.branchbook.core.AgeGroup
import uniffi.branchbook.core.CalendarDate
import uniffi.branchbook.core.RecordState
import uniffi.branchbook.core.TextKey
import uniffi.branchbook.core.UiLanguage
import uniffi.branchbook.formatBytes
import uniffi.branchbook.formatDate
import uniffi.branchbook.formatInstant
import uniffi.branchbook.recordKindName
import uniffi.branchbook.recordStateName
import uniffi.branchbook.textKeyId
import uniffi.branchbook.textPlaceholders
import uniffi.branchbook.uiFormat
import uniffi.branchbook.uiLanguageForLocale
import uniffi.branchbook.uiText
import uniffi.branchbook.uiTexts

/** The shared UI words as the apps read them: typed keys, both languages, placeholders filled in the core. */
class CatalogueTest {
    @Test
    fun `every key reads in both languages with the same placeholders`() {
        for (key in TextKey.entries) {
            for (language in UiLanguage.entries) assertTrue(uiText(key, language).isNotBlank(), "$key in $language")
            val placeholders = textPlaceholders(key).map { "{$it}" }
            for (language in UiLanguage.entries) {
                val text = uiText(key, language)
                assertTrue(placeholders.all { it in text }, "$key ($language) lacks one of $placeholders: $text")
            }
        }
        val vi = uiTexts(UiLanguage.VI)
        assertEquals(TextKey.entries.size, vi.size)
        assertEquals("Phiếu đang làm dở: {count}", vi[textKeyId(TextKey.HOME_DRAFTS)])
    }

    @Test
    fun `placeholders, names and dates come out ready to show`() {
        assertEquals("Chờ gửi: 4", uiFormat(TextKey.HOME_READY, UiLanguage.VI, mapOf("count" to "4")))
        assertEquals("Sending photos: 2 of 9", uiFormat(TextKey.SEND_PHASE_PHOTOS, UiLanguage.EN, mapOf("done" to "2", "total" to "9")))
        assertEquals("Từ 60 tuổi trở lên", ageGroupName(AgeGroup.ELDER, UiLanguage.VI))
        assertEquals("Chưa rõ tuổi", ageGroupName(null, UiLanguage.VI))
        assertEquals("Đã gửi", recordStateName(RecordState.SENT, UiLanguage.VI))
        assertEquals("Phiếu khảo sát", recordKindName(RecordKind.SUBMISSION, UiLanguage.VI))
        assertEquals(UiLanguage.VI, uiLanguageForLocale(java.util.Locale.forLanguageTag("vi-VN").toLanguageTag()))
        // java.time.Instant crosses as an instant and is shown on Vietnam's clock (UTC+7).
        assertEquals("12/06/2025 06:30", formatInstant(Instant.parse("2025-06-11T23:30:00Z"), UiLanguage.VI))
        assertEquals("5 Jun 2025", formatDate(CalendarDate(2025, 6u, 5u), UiLanguage.EN))
        assertEquals("3,4 MB", formatBytes(3_565_158uL, UiLanguage.VI))
    }
}
