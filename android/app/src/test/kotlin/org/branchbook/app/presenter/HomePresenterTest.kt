package org.branchbook.app.presenter

import java.time.Instant
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Test
import uniffi.branchbook.core.Answer
import uniffi.branchbook.core.GatheringDetails
import uniffi.branchbook.core.GatheringKind
import uniffi.branchbook.core.UiLanguage

class HomePresenterTest {
    @Test
    fun `a new phone shows zero counts and says it is not enrolled, and she can still work`() = TestApp.with(account = null) { app ->
        val home = HomePresenter(app.scope)
        home.refresh()
        with(home.state) {
            assertNull(error)
            assertNull(heading)
            assertNull(lastSent, "never sent")
            assertEquals("Máy chưa kết nối với máy chủ. Chị vẫn làm việc bình thường; dữ liệu sẽ được gửi sau.", notEnrolled)
            assertEquals(listOf("Phiếu đang làm dở: 0", "Chờ gửi: 0", "Đã gửi: 0"), counts)
            assertNull(attention, "nothing refused: no attention line")
            assertEquals(emptyList<Row>(), drafts)
        }
        home.visitHousehold()
        assertEquals(Route.Households, app.navigator.current)
    }

    @Test
    fun `unfinished surveys and open gatherings are listed and reopen where she left them`() = TestApp.with { app ->
        val form = app.importChildRegister()
        val draft = app.core.startSurvey(form, null, null, null).use {
            it.setAnswer("mother", Answer.Text("Lò Thị Mai"))
            it.submissionId()
        }
        val g = app.core.createGathering(
            GatheringDetails(GatheringKind.TRAINING, "Nuôi con khỏe", "Bản Phùng", Instant.parse("2025-06-12T01:30:00Z"), "", ""),
        )
        val home = HomePresenter(app.scope)
        home.refresh()
        with(home.state) {
            assertEquals("Tài khoản: lo.thi.mai", heading, "not enrolled yet: her account, not a branch")
            assertNotNull(notEnrolled, "an account name alone is not an enrollment")
            assertEquals("Phiếu đang làm dở: 2", counts[0], "a draft survey and an open gathering")
            assertEquals(listOf(draft), drafts.map { it.id })
            assertEquals("Lò Thị Mai", drafts.single().title, "named by the form's instance_name")
            assertEquals(listOf(Row(g.uuid, "Nuôi con khỏe", "Bản Phùng · 12/06/2025 08:30")), openGatherings)
        }
        home.openDraft(draft)
        assertEquals(Route.Survey(draft), app.navigator.current)
        app.navigator.back()
        home.openGathering(g.uuid)
        assertEquals(Route.Gathering(g.uuid), app.navigator.current)

        app.language(UiLanguage.EN)
        home.refresh()
        assertEquals("Unfinished surveys: 2", home.state.counts[0])
        assertEquals("Draft", home.state.drafts.single().detail.substringBefore(" ·"))
    }
}
