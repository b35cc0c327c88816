package org.branchbook.app.presenter

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import uniffi.branchbook.FinalizeOutcome
import uniffi.branchbook.core.Answer
import uniffi.branchbook.core.HouseholdInput
import uniffi.branchbook.core.MemberInput
import uniffi.branchbook.core.RecordState
import uniffi.branchbook.core.Sex

class HouseholdPresenterTest {
    @Test
    fun `a household shows its members, visits and history, and starts or edits a visit`() = TestApp.with { app ->
        val form = app.importChildRegister()
        val h = app.core.createHousehold(
            HouseholdInput("Bản Phùng", "", "Thào Thị Dợ", listOf(MemberInput(null, "Giàng A Sử", Sex.MALE, 2015, "hmong", "con")), ""),
        )
        val done = app.core.startSurvey(form, null, h.uuid, null).use { s ->
            s.setAnswer("mother", Answer.Text("Thào Thị Dợ"))
            (s.finalize() as FinalizeOutcome.Finalized).submission.uuid
        }
        val draft = app.core.startSurvey(form, null, h.uuid, null).use { it.submissionId() }

        val page = HouseholdPresenter(app.scope, h.uuid)
        page.refresh()
        with(page.state) {
            assertEquals("Thào Thị Dợ", title)
            assertEquals(listOf("Bản Phùng"), details)
            assertEquals("Thành viên (1)", membersHeading)
            assertEquals(listOf("Giàng A Sử" to "Nam · 2015 · Mông · con"), members.map { it.title to it.detail })
            assertEquals(setOf(done, draft), visits.map { it.row.id }.toSet())
            assertEquals(listOf(draft), visits.filter { it.draft }.map { it.row.id })
            assertTrue(visits.single { !it.draft }.row.detail.startsWith("Chờ gửi · "))
            assertEquals(1, revisions.size)
            assertTrue(revisions.single().startsWith("Lần sửa 1, ngày "))
            assertFalse(archived)
        }

        page.startSurvey()
        assertEquals(Route.FormPicker(h.uuid), app.navigator.current)
        app.navigator.back()
        page.continueVisit(draft)
        assertEquals(Route.Survey(draft), app.navigator.current)
        app.navigator.back()
        page.editVisit(done)
        assertEquals(Route.Survey(done), app.navigator.current)
        assertEquals(RecordState.DRAFT, app.core.submission(done).state, "editing made a draft revision")
        assertEquals(2u, app.core.submission(done).revision)
        app.navigator.back()

        page.toggleArchived()
        assertTrue(page.state.archived)
        assertEquals(2, page.state.revisions.size)
        assertEquals(emptyList<Any>(), app.core.searchHouseholds("thao", 0u, 10u), "archived households leave search")
        page.toggleArchived()
        assertFalse(page.state.archived)
        page.edit()
        assertEquals(Route.HouseholdEdit(h.uuid), app.navigator.current)
    }

    @Test
    fun `a household that does not exist or a garbled id shows the core's message`() = TestApp.with { app ->
        val page = HouseholdPresenter(app.scope, "0193a0c4-0000-7000-8000-00000000abcd")
        page.refresh()
        assertEquals("Không tìm thấy mục này. Có thể nó đã bị xóa.", page.state.error)
        val garbled = HouseholdPresenter(app.scope, "not an id")
        garbled.refresh()
        assertEquals("Thông tin nhập vào chưa đúng. Chị kiểm tra lại nhé.", garbled.state.error, "a bad id is a typed error, not a crash")
    }
}
