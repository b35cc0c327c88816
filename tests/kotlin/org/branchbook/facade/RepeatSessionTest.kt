package org.branchbook.facade

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import uniffi.branchbook.core.InputField
import uniffi.branchbook.FinalizeOutcome
import uniffi.branchbook.core.Answer
import uniffi.branchbook.core.BranchbookException
import uniffi.branchbook.core.Page
import uniffi.branchbook.core.RecordState
import uniffi.branchbook.core.SubmissionFilter

/**
 * A repeat the user grows and shrinks (a mother's children), the draft saved after every
 * answer and reopened after the session object is closed, the label language switched
 * mid-form, and the typed errors a UI meets on the way.
 */
class RepeatSessionTest {
    @Test
    fun `children are added and removed, the draft survives closing, the language switches`() = Fixtures.withApp { app, _ ->
        app.importFormJson(Fixtures.childRegisterJson.readText())
        val id = app.startSurvey("child_register", null, null, "vi").use { s ->
            s.setAnswer("mother", Answer.Text("Lò Thị Mai"))
            assertTrue(s.next().moved)
            val prompt = s.screen().page as Page.RepeatPrompt
            assertEquals("child" to 0u, prompt.path to prompt.count)
            for ((i, age) in listOf(3L, 21L, 9L).withIndex()) {
                val page = s.addRepeat("child")
                assertEquals(listOf("child[${i + 1}]/child_name", "child[${i + 1}]/child_age"), page.questions.map { it.path })
                s.setAnswer("child[${i + 1}]/child_name", Answer.Text("Con ${i + 1}"))
                val update = s.setAnswer("child[${i + 1}]/child_age", Answer.Integer(age))
                if (age >= 18) {
                    assertEquals("Tuổi phải từ 0 đến 17.", update.answers.single().error)
                    assertFalse(s.next().moved)
                    s.setAnswer("child[${i + 1}]/child_age", Answer.Integer(age - 10))
                }
                assertTrue(s.next().moved)
            }
            // The second child was entered by mistake.
            s.removeRepeat("child[2]")
            s.submissionId()
        }

        // The form screen went away; the draft is where she left it, with every answer.
        app.resumeSurvey(id).use { s ->
            val prompt = s.screen().page as Page.RepeatPrompt
            assertEquals(2u, prompt.count)
            val targets = s.jumpTargets()
            assertEquals(listOf("Con 1", "Con 3"), listOf(1, 2).map { n ->
                (targets.single { it.path == "child[$n]/child_name" }.let { s.jump(it.path) }).questions.first().value.let { (it as Answer.Text).value }
            })
            s.jump("child[2]/child_age")
            s.setAnswer("child[2]/child_age", Answer.Integer(30))
            assertEquals("Tuổi phải từ 0 đến 17.", s.screen().questions.single { it.path == "child[2]/child_age" }.error)
            assertEquals("Tiếng Việt (vi)", s.language())
            val english = s.setLanguage("en")
            assertEquals("The age must be between 0 and 17.", english.questions.single { it.path == "child[2]/child_age" }.error)
            assertEquals("Child's age", english.questions.single { it.path == "child[2]/child_age" }.label)
            assertThrows<BranchbookException.InvalidInput> { s.setLanguage("fr") }.also { assertEquals(InputField.Language, it.field) }
            val problems = (s.finalize() as FinalizeOutcome.NeedsAttention).problems
            assertEquals(listOf("child[2]/child_age"), problems.map { it.question })
            s.setAnswer("child[2]/child_age", Answer.Integer(3))
            // Wrong answers are typed exceptions naming the question; nothing changes.
            val wrongType = assertThrows<BranchbookException.InvalidInput> { s.setAnswer("child[1]/child_age", Answer.Text("ba")) }
            assertEquals(InputField.Question("child[1]/child_age"), wrongType.field)
            assertThrows<BranchbookException.NotFound> { s.setAnswer("child[7]/child_age", Answer.Integer(1)) }
            assertThrows<BranchbookException.InvalidInput> { s.removeRepeat("mother") }
            s.clearAnswer("child[1]/child_name")
            assertNull(s.screen().questions.firstOrNull { it.path == "child[1]/child_name" }?.value)
            s.setAnswer("child[1]/child_name", Answer.Text("Con 1"))
            val done = s.finalize() as FinalizeOutcome.Finalized
            assertEquals("Lò Thị Mai", done.submission.title)
        }

        // A finalized survey is not a draft any more; editing it makes revision 2.
        assertThrows<BranchbookException.WrongState> { app.resumeSurvey(id) }
        app.editSubmission(id).use { s -> assertEquals(2u, s.submission().revision) }
        assertEquals(RecordState.DRAFT, app.submission(id).state)
        app.deleteDraft(id)
        assertEquals(1u, app.submission(id).revision)
        assertEquals(listOf(id), app.listSubmissions(SubmissionFilter(), 0u, 10u).map { it.uuid })
    }
}
