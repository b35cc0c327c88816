package org.branchbook.facade

import java.time.Instant
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import org.junit.jupiter.api.fail
import uniffi.branchbook.FinalizeOutcome
import uniffi.branchbook.SurveySession
import uniffi.branchbook.core.Answer
import uniffi.branchbook.core.BranchbookException
import uniffi.branchbook.core.GeoPoint
import uniffi.branchbook.core.HouseholdInput
import uniffi.branchbook.core.Page
import uniffi.branchbook.core.QuestionKind
import uniffi.branchbook.core.RecordState
import uniffi.branchbook.core.SubmissionFilter

/**
 * A branch head's visit, through the generated Kotlin bindings: the example household survey
 * imported from its .xlsx, filled in Vietnamese page by page (skip logic, the members' repeat,
 * constraints refusing a wrong answer with the author's Vietnamese message, a photo of the
 * house), finalized and listed.
 */
class HouseholdSurveyTest {
    private fun text(s: String) = Answer.Text(s)
    private fun int(n: Long) = Answer.Integer(n)
    private fun choice(s: String) = Answer.Choice(s)

    /** Answers to give by question path; all but the last of each list must be refused. */
    private val script: Map<String, List<Answer>> = mapOf(
        "consent" to listOf(choice("yes")),
        "commune" to listOf(choice("y_ty")),
        "village" to listOf(choice("mo_phu_chai")),
        "gps" to listOf(Answer.Geopoint(GeoPoint(22.6213, 103.6156, 1900.0, 6.0))),
        "head_name" to listOf(text("G"), text("Giàng A Páo")),
        "head_sex" to listOf(choice("male")),
        "head_birth_year" to listOf(int(1850), int(1978)),
        "head_ethnicity" to listOf(choice("hmong")),
        "hh_size" to listOf(int(0), int(3)),
        "member[1]/member_name" to listOf(text("Thào Thị Dợ")),
        "member[1]/member_relation" to listOf(choice("spouse")),
        "member[1]/member_sex" to listOf(choice("female")),
        "member[1]/member_birth_year" to listOf(int(1982)),
        "member[1]/member_ethnicity" to listOf(choice("hmong")),
        "member[1]/member_married" to listOf(choice("yes")),
        "member[1]/marriage_age" to listOf(int(60), int(19)),
        "member[2]/member_name" to listOf(text("Giàng A Sử")),
        "member[2]/member_relation" to listOf(choice("child")),
        "member[2]/member_sex" to listOf(choice("male")),
        "member[2]/member_birth_year" to listOf(int(2015)),
        "member[2]/member_ethnicity" to listOf(choice("hmong")),
        "member[2]/in_school" to listOf(choice("yes")),
        "has_loan" to listOf(choice("no")),
        "no_loan_reason" to listOf(choice("not_needed")),
        "legal_age_female" to listOf(choice("age18")),
        "consanguinity_harm" to listOf(choice("yes")),
        "birth_2y" to listOf(choice("no")),
        "violence_private" to listOf(choice("no")),
        "remarks" to listOf(),
        "confidentiality" to listOf(Answer.Acknowledged),
    )

    /** Fills from the current page to the end; returns the constraint messages seen, by path. */
    private fun fill(session: SurveySession, photo: String): Map<String, List<String>> {
        val refused = mutableMapOf<String, MutableList<String>>()
        repeat(300) {
            val screen = session.screen()
            when (val page = screen.page) {
                is Page.End -> return refused
                is Page.RepeatPrompt -> fail("the member repeat is counted: no prompt expected at ${page.path}")
                is Page.Questions -> {}
            }
            for (q in screen.questions.filter { it.kind != QuestionKind.NOTE && !it.readOnly && it.value == null }) {
                if (q.kind == QuestionKind.IMAGE) {
                    val update = session.attachPhoto(q.path, photo)
                    assertTrue(update.answers.single { it.path == q.path }.value is Answer.Photo)
                    continue
                }
                val tries = script[q.path] ?: fail("unexpected question ${q.path} (${q.label})")
                for (bad in tries.dropLast(1)) {
                    val shown = session.setAnswer(q.path, bad).answers.single { it.path == q.path }
                    refused.getOrPut(q.path) { mutableListOf() } += shown.error ?: fail("${q.path}: $bad was accepted")
                    val turn = session.next()
                    assertFalse(turn.moved, "a page with a refused answer must not be left")
                    assertEquals(shown.error, turn.screen.questions.single { it.path == q.path }.error)
                }
                tries.lastOrNull()?.let { session.setAnswer(q.path, it) }
            }
            val turn = session.next()
            assertTrue(turn.moved) { "stuck: " + turn.screen.questions.mapNotNull { q -> q.error?.let { "${q.path}: $it" } } }
        }
        fail("the form did not end")
    }

    @Test
    fun `a household visit is filled in Vietnamese, refused where wrong, finalized and listed`() = Fixtures.withApp { app, dir ->
        val form = app.importFormXlsx(Fixtures.householdXlsx.readBytes())
        assertEquals("household_survey", form.formId)
        assertEquals(listOf("vi", "en", "hmn"), form.languages.map { it.code })
        val household = app.createHousehold(HouseholdInput("Mò Phu Chải", "", "Giàng A Páo", listOf(), ""))
        val before = Instant.now()

        app.startSurvey(form.formId, null, household.uuid, "vi").use { session ->
            assertEquals("Chương trình", session.screen().questions.first().label)
            // Finalizing at once lists what is missing, with the form's Vietnamese message and where to go.
            val missing = session.finalize() as FinalizeOutcome.NeedsAttention
            val consent = missing.problems.first { it.question == "consent" }
            assertEquals("Cần hỏi ý kiến đồng ý của hộ trước khi tiếp tục.", consent.message)
            // A counted repeat cannot be added to by hand: a typed exception, not a crash.
            assertThrows<BranchbookException.WrongState> { session.addRepeat("member") }

            val refused = fill(session, Fixtures.cameraJpeg(dir, "house.jpg"))
            assertEquals(listOf("Năm sinh phải từ 1900 đến năm nay."), refused["head_birth_year"])
            assertEquals(listOf("Số người trong hộ phải từ 1 đến 30."), refused["hh_size"])
            assertEquals(listOf("Họ tên cần có ít nhất 2 ký tự."), refused["head_name"])
            assertEquals(listOf("Tuổi kết hôn phải từ 10 đến tuổi hiện nay của người này."), refused["member[1]/marriage_age"])

            val done = session.finalize() as? FinalizeOutcome.Finalized ?: fail("not finalized")
            val s = done.submission
            assertEquals(RecordState.FINALIZED, s.state)
            assertEquals(household.uuid, s.household)
            assertEquals("Giàng A Páo – mo_phu_chai", s.title)
            assertTrue(!s.startedAt.isBefore(before.minusSeconds(1)) && !s.finalizedAt!!.isAfter(Instant.now()))
            // The session is done: further calls are a typed WrongState.
            assertThrows<BranchbookException.WrongState> { session.screen() }
        }

        val finalized = app.listSubmissions(SubmissionFilter(state = RecordState.FINALIZED), 0u, 20u)
        assertEquals(1, finalized.size)
        assertEquals(finalized.map { it.uuid }, app.householdVisits(household.uuid, 0u, 20u).map { it.uuid })
        val counts = app.submissionCounts("household_survey")
        assertEquals(Triple(0uL, 1uL, 0uL), Triple(counts.drafts, counts.finalized, counts.sent))
        val outbox = app.outboxStatus()
        assertEquals(1uL, outbox.photosWaiting)
        assertTrue(outbox.recordsWaiting >= 3uL, "household, submission and their history entries")
    }
}
