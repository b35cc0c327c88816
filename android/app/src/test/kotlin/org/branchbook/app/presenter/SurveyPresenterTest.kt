package org.branchbook.app.presenter

import java.io.File
import java.time.Instant

import org.junit.jupiter.api.Assertions.assertArrayEquals
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.fail
import uniffi.branchbook.core.Answer
import uniffi.branchbook.core.AuditLocationRequest
import uniffi.branchbook.core.LocationPriority
import uniffi.branchbook.core.Page
import uniffi.branchbook.core.QuestionKind
import uniffi.branchbook.core.RecordState
import uniffi.branchbook.core.SubmissionFilter

/** Filling the example household survey through the form screen's presenter, as she would. */
class SurveyPresenterTest {
    private fun SurveyPresenter.item(path: String) = state.questions.firstOrNull { it.question.path == path } ?: fail("$path is not on the page")

    /** What she does on each question, by path. */
    private fun script(app: TestApp): Map<String, (SurveyPresenter, String) -> Unit> {
        fun typing(vararg texts: String): (SurveyPresenter, String) -> Unit = { p, path -> texts.forEach { p.type(path, it) } }
        fun picking(choice: String): (SurveyPresenter, String) -> Unit = { p, path -> p.choose(path, choice) }
        return mapOf(
            "consent" to picking("yes"),
            "commune" to { p, path ->
                assertEquals(emptyList<Any>(), p.item("village").question.choices, "no village before a commune")
                p.choose(path, "y_ty")
                // The village list follows the commune (choice_filter), on the same page.
                assertEquals(listOf("lao_chai", "mo_phu_chai", "choan_then"), p.item("village").question.choices.map { it.name })
            },
            "village" to picking("mo_phu_chai"),
            "gps" to { p, path ->
                p.location(path, 22.6213, 103.6156, 1900.0, 6.4)
                assertEquals("22.621300, 103.615600 · Sai số khoảng 6 m", p.item(path).shown)
            },
            "head_name" to { p, path ->
                p.type(path, "G")
                assertEquals("Họ tên cần có ít nhất 2 ký tự.", p.item(path).error)
                p.type(path, "Giàng A Páo")
                assertNull(p.item(path).error)
            },
            "head_sex" to picking("male"),
            "head_birth_year" to { p, path ->
                p.type(path, "19a5")
                assertEquals("Thông tin nhập vào chưa đúng. Chị kiểm tra lại nhé.", p.item(path).error, "not a number: caught while typing")
                assertNull(p.item(path).question.value, "the core never saw it")
                assertEquals("19a5", p.item(path).shown, "what she typed stays in the box")
                p.type(path, "1850")
                assertEquals("Năm sinh phải từ 1900 đến năm nay.", p.item(path).error)
                val page = p.state.pageNumber
                p.next()
                assertEquals(page, p.state.pageNumber, "a refused answer keeps her on the page")
                assertEquals("Trang này còn câu chưa trả lời hoặc chưa đúng.", p.state.message)
                p.messageShown()
                p.type(path, "1978")
            },
            "head_ethnicity" to picking("hmong"),
            "hh_size" to typing("0", "3"),
            "house_photo" to { p, path ->
                val file = app.cameraJpeg("camera.jpg")
                p.photo(path, file)
                assertFalse(file.exists(), "the camera's file is deleted once the core has the photo")
                val sha = (p.item(path).question.value as Answer.Photo).sha256
                var thumbnail: ByteArray? = null
                p.thumbnail(sha) { thumbnail = it }
                assertArrayEquals(byteArrayOf(0xFF.toByte(), 0xD8.toByte()), thumbnail!!.copyOfRange(0, 2))
            },
            "member[1]/member_name" to { p, path ->
                // The members' repeat is counted from hh_size: the core offers no removal.
                assertNull(p.state.removableEntry)
                assertTrue(p.state.breadcrumbs.contains("1/2"), p.state.breadcrumbs)
                p.type(path, "Thào Thị Dợ")
            },
            "member[1]/member_relation" to picking("spouse"),
            "member[1]/member_sex" to picking("female"),
            "member[1]/member_birth_year" to typing("1982"),
            "member[1]/member_ethnicity" to picking("hmong"),
            "member[1]/member_married" to picking("yes"),
            "member[1]/marriage_age" to typing("60", "19"),
            "member[2]/member_name" to typing("Giàng A Sử"),
            "member[2]/member_relation" to picking("child"),
            "member[2]/member_sex" to picking("male"),
            "member[2]/member_birth_year" to typing("2015"),
            "member[2]/member_ethnicity" to picking("hmong"),
            "member[2]/in_school" to picking("yes"),
            "has_loan" to picking("no"),
            "no_loan_reason" to picking("not_needed"),
            "legal_age_female" to picking("age18"),
            "consanguinity_harm" to picking("yes"),
            "birth_2y" to picking("no"),
            "violence_private" to picking("no"),
            "remarks" to { _, _ -> },
            "confidentiality" to { p, path -> p.acknowledge(path, true) },
        )
    }

    /** Answers every open question from the current page on, until [stop] says so or the form ends. */
    private fun fill(p: SurveyPresenter, script: Map<String, (SurveyPresenter, String) -> Unit>, stop: (SurveyPresenter) -> Boolean = { false }) {
        repeat(200) {
            if (p.state.page is Page.End || stop(p)) return
            assertFalse(p.state.page is Page.RepeatPrompt, "the members' repeat is counted: no prompt")
            for (item in p.state.questions.filter { it.question.kind != QuestionKind.NOTE && !it.question.readOnly && it.question.value == null }) {
                val act = script[item.question.path] ?: fail("unexpected question ${item.question.path} (${item.question.label})")
                act(p, item.question.path)
            }
            val page = p.state.pageNumber
            p.next()
            assertTrue(p.state.pageNumber > page) { "stuck: " + p.state.questions.mapNotNull { q -> q.error?.let { "${q.question.path}: $it" } } }
        }
        fail("the form did not end")
    }

    @Test
    fun `a visit is filled, survives the app being killed, and finalizes only when complete`() = TestApp.with { app ->
        val form = app.importHouseholdSurvey()
        val id = app.core.startSurvey(form, null, null, null).use { it.submissionId() }
        app.navigator.open(Route.Survey(id))
        val first = SurveyPresenter(app.scope, id)
        first.open()
        assertFalse(first.state.loading)
        assertEquals("Chương trình", first.state.questions.first().question.label)
        assertEquals("Tiếng Việt (vi)", first.state.language)
        assertEquals(listOf("vi", "en", "hmn"), first.state.languages.map { it.code })

        // Finishing at once lists what is missing; a tap goes to the question.
        first.finalize()
        val consent = first.state.problems!!.first { it.question == "consent" }
        assertEquals("Cần hỏi ý kiến đồng ý của hộ trước khi tiếp tục.", consent.message)
        assertTrue(first.state.problemsTitle!!.startsWith("Còn "))
        first.jump(consent.question)
        assertNull(first.state.problems)
        assertEquals(listOf("consent"), first.state.questions.map { it.question.path })
        assertNull(first.state.questions.single().question.value)

        fill(first, script(app)) { it.state.questions.any { q -> q.question.path == "member[1]/member_name" } }
        val pathsBefore = first.state.questions.map { it.question.path }

        // The phone kills the app here. Everything was saved with each answer.
        first.close()
        app.restarted().use { again ->
            assertEquals(Route.Survey(id), again.navigator.current, "the survey screen comes back")
            val second = SurveyPresenter(again.scope, id)
            second.open()
            assertEquals(pathsBefore, second.state.questions.map { it.question.path }, "on the same page")
            second.openJumpList()
            val targets = second.state.jumpTargets!!
            assertTrue(targets.single { it.path == "head_name" }.answered)
            assertTrue(targets.single { it.path == "member[1]/member_name" }.current)
            second.closeLists()
            assertNull(second.state.jumpTargets)

            // She switches the questions to English for a moment.
            second.language("en")
            assertEquals("English (en)", second.state.language)
            assertEquals("Full name", second.item("member[1]/member_name").question.label)
            second.language("vi")
            assertEquals("Họ và tên", second.item("member[1]/member_name").question.label)

            fill(second, script(again))
            assertTrue(second.state.page is Page.End)
            assertFalse(second.state.canGoNext)
            again.navigator.back()
            again.navigator.open(Route.Survey(id))
            second.finalize()
            assertEquals(listOf("Đã hoàn thành phiếu. Phiếu sẽ được gửi trong lần gửi dữ liệu tới."), again.notices)
            assertEquals(Route.Home, again.navigator.current, "the form screen closes")
            val done = again.core.listSubmissions(SubmissionFilter(state = RecordState.FINALIZED), 0u, 5u).single()
            assertEquals("Giàng A Páo – mo_phu_chai", done.title)
        }
    }

    @Test
    fun `a survey that cannot be reopened closes its screen with the reason`() = TestApp.with { app ->
        val form = app.importChildRegister()
        val id = app.core.startSurvey(form, null, null, null).use { it.submissionId() }
        app.navigator.open(Route.Survey(id))
        val p = SurveyPresenter(app.scope, id)
        p.open()
        p.deleteDraft()
        assertEquals(Route.Home, app.navigator.current)
        assertEquals(0uL, app.core.submissionCounts(null).drafts)

        // The screen restored after a restart points at the deleted draft.
        app.navigator.open(Route.Survey(id))
        SurveyPresenter(app.scope, id).open()
        assertEquals(Route.Home, app.navigator.current)
        assertEquals("Không tìm thấy mục này. Có thể nó đã bị xóa.", app.notices.single())
    }

    @Test
    fun `repeat entries are added from the prompt and removed from their page`() = TestApp.with { app ->
        val form = app.importChildRegister()
        val id = app.core.startSurvey(form, null, null, null).use { it.submissionId() }
        val p = SurveyPresenter(app.scope, id)
        p.open()
        assertFalse(p.state.canGoBack)
        p.type("mother", "Lò Thị Mai")
        p.next()
        assertEquals("Đã có 0 mục “Con”. Chị có muốn thêm mục nữa không?", p.state.repeatPrompt)
        for (n in 1..2) {
            p.addRepeat()
            assertEquals(listOf("child[$n]/child_name", "child[$n]/child_age"), p.state.questions.map { it.question.path })
            assertEquals("child[$n]", p.state.removableEntry)
            p.type("child[$n]/child_name", "Con $n")
            p.type("child[$n]/child_age", "2$n")
            assertEquals("Tuổi phải từ 0 đến 17.", p.item("child[$n]/child_age").error)
            p.type("child[$n]/child_age", "$n")
            p.next()
        }
        assertEquals("Đã có 2 mục “Con”. Chị có muốn thêm mục nữa không?", p.state.repeatPrompt)
        p.back()
        assertEquals("child[2]", p.state.removableEntry)
        p.removeEntry()
        assertNull(p.state.message)
        val count = app.core.resumeSurvey(id).use { s -> s.jumpTargets().count { it.path.endsWith("/child_name") } }
        assertEquals(1, count, "one child left")
        p.jump("child[1]/child_name")
        assertEquals("Con 1", p.item("child[1]/child_name").shown)
        p.type("child[1]/child_name", "")
        assertNull(p.item("child[1]/child_name").question.value, "an emptied box clears the answer")
        assertNotNull(p.item("child[1]/child_name").question.required)
    }

    @Test
    fun `label and choice pictures and a recording are read from the form's files, and pictures decode shrunk`() = TestApp.with { app ->
        val form = app.importWaterSource()
        val id = app.core.startSurvey(form, null, null, "hmn").use { it.submissionId() }
        val p = SurveyPresenter(app.scope, id)
        p.open()
        val question = p.state.questions.single().question
        assertEquals("Koj tsev neeg nqa dej haus qhov twg?", question.label)
        val media = question.media ?: fail("the question has a picture")
        assertEquals("water.png", media.image)
        assertEquals("water.png", media.bigImage, "a tap opens it full size")
        assertEquals(listOf("tap.png", "well.png", "stream.png"), question.choices.map { it.media?.image }, "a picture beside each choice")
        var png: ByteArray? = null
        p.mediaFile("water.png") { png = it }
        assertArrayEquals(File(TestApp.repo, "core/tests/data/water_source/water.png").readBytes(), png)
        var other: ByteArray? = byteArrayOf(1)
        p.mediaFile("other.png") { other = it }
        assertNull(other, "a file the form does not have")

        p.choose(question.path, "well")
        p.next()
        assertEquals("question.wav", p.state.questions.single().question.media?.audio)
        var wav: ByteArray? = null
        p.mediaFile("question.wav") { wav = it }
        assertEquals("RIFF", wav?.copyOfRange(0, 4)?.decodeToString())
        p.close()

        // A picture of 4000 x 3000 drawn in 700 x 240 is decoded at 1/8 (500 x 375, still larger than drawn); on the whole screen at 1/4.
        assertEquals(8, pictureSampleSize(4000, 3000, 700, 240))
        assertEquals(4, pictureSampleSize(4000, 3000, 720, 1600))
        assertEquals(1, pictureSampleSize(480, 320, 720, 240), "a small picture is never shrunk")
        assertEquals(1, pictureSampleSize(-1, -1, 720, 240), "not a picture")
    }

    @Test
    fun `an audited form asks the screen to follow the phone's position and takes its fixes quietly`() = TestApp.with { app ->
        val plain = app.core.startSurvey(app.importChildRegister(), null, null, null).use { it.submissionId() }
        val other = SurveyPresenter(app.scope, plain)
        other.open()
        assertNull(other.state.auditLocation, "a form without an audit asks for no position")
        other.close()

        val form = app.core.importFormJson(File(TestApp.repo, "core/tests/data/located_visit.json").readText()).formId
        val id = app.core.startSurvey(form, null, null, null).use { it.submissionId() }
        val p = SurveyPresenter(app.scope, id)
        p.open()
        assertEquals(AuditLocationRequest(LocationPriority.BALANCED, 30.0, 60.0), p.state.auditLocation)
        p.auditLocation(95.0, 103.8, 5.0, Instant.now())
        p.auditLocation(22.34, 103.84, 8.0, Instant.now())
        assertNull(p.state.message, "a fix the core refuses is the phone's, not hers: no message")
        p.type("head", "Thào Thị Dợ")
        p.next()
        assertEquals(listOf("village"), p.state.questions.map { it.question.path }, "the fixes did not stop her")
        p.close()
    }

    @Test
    fun `a rank question is ordered with the arrows and the start location is taken once`() = TestApp.with { app ->
        val form = app.core.importFormJson(File(TestApp.repo, "core/tests/data/village_needs.json").readText()).formId
        val id = app.core.startSurvey(form, null, null, null).use { it.submissionId() }
        val p = SurveyPresenter(app.scope, id)
        p.open()
        // The form records where it was opened: the screen asks the phone once.
        assertTrue(p.state.wantsStartLocation)
        p.locatingStart()
        assertFalse(p.state.wantsStartLocation)
        p.startLocation(22.3364, 103.8438, null, 7.0)
        assertNull(p.state.message, "the location is taken without a word")

        p.type("village", "Bản Dền")
        p.next()
        val fresh = p.item("priorities").rank ?: fail("no rank view")
        assertFalse(fresh.ranked)
        assertEquals("Giữ thứ tự này", fresh.keepOrder)
        assertEquals(listOf("1. Nước sạch", "2. Trường học", "3. Đường đi", "4. Trạm y tế"), fresh.items.map { it.text })
        assertFalse(fresh.items.first().canMoveUp)
        assertFalse(fresh.items.last().canMoveDown)
        p.next()
        assertEquals("Trang này còn câu chưa trả lời hoặc chưa đúng.", p.state.message, "a required ranking is not given yet")
        p.messageShown()

        // The health post goes to the top, then the road above the school.
        p.moveRank("priorities", 3, 0)
        p.moveRank("priorities", 3, 2)
        val ranked = p.item("priorities")
        assertEquals(listOf("health", "water", "road", "school"), ranked.rank!!.items.map { it.name })
        assertTrue(ranked.rank.ranked)
        assertNull(ranked.rank.keepOrder)
        assertEquals("1. Trạm y tế, 2. Nước sạch, 3. Đường đi, 4. Trường học", ranked.shown)
        assertEquals(Answer.Choices(listOf("health", "water", "road", "school")), ranked.question.value)
        p.moveRank("priorities", 0, 9)
        assertEquals("Thông tin nhập vào chưa đúng. Chị kiểm tra lại nhé.", p.state.message, "a place off the list is refused")
        p.messageShown()
        p.close()

        // The draft reopened later keeps her order and asks for no location: it was taken where the form was opened.
        val again = SurveyPresenter(app.scope, id)
        again.open()
        assertFalse(again.state.wantsStartLocation)
        assertEquals(listOf("health", "water", "road", "school"), again.item("priorities").rank!!.items.map { it.name })
        again.next()
        assertTrue(again.state.page is Page.End)
        again.finalize()
        assertEquals(listOf("Đã hoàn thành phiếu. Phiếu sẽ được gửi trong lần gửi dữ liệu tới."), app.notices)
    }
}
