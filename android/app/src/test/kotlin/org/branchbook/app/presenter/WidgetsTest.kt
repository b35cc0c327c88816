package org.branchbook.app.presenter

import com.google.zxing.BarcodeFormat
import com.google.zxing.oned.EAN13Writer
import java.time.Instant
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.fail
import uniffi.branchbook.core.Answer
import uniffi.branchbook.core.CalendarDate
import uniffi.branchbook.core.PickerFields
import uniffi.branchbook.core.QuestionKind
import uniffi.branchbook.core.TimeOfDay
import uniffi.branchbook.core.UiLanguage
import uniffi.branchbook.answerText
import uniffi.branchbook.pickerStart

/** One page with a question of every kind the form screen has a widget for. */
class WidgetsTest {
    private fun field(row: Int, name: String, kind: String, label: String) = """
        {"node": "field", "name": "$name", "kind": $kind, "label": {"Tiếng Việt (vi)": "$label"}, "hint": {},
         "required": null, "required_message": {}, "relevant": null, "constraint": null, "constraint_message": {},
         "calculation": null, "default": null, "read_only": null, "choice_filter": null, "appearance": null,
         "parameters": {}, "source": {"sheet": "survey", "row": $row}}
    """

    private val form = """
        {"id": "widgets", "version": "1", "title": "Mọi loại câu hỏi", "default_language": "Tiếng Việt (vi)",
         "languages": [{"name": "Tiếng Việt (vi)", "code": "vi"}], "instance_name": null,
         "body": [{"node": "group", "name": "all", "label": {"Tiếng Việt (vi)": "Tất cả"}, "relevant": null,
                   "appearance": "field-list", "source": {"sheet": "survey", "row": 2}, "children": [
            ${field(3, "t", """{"type": "text"}""", "Chữ")},
            ${field(4, "i", """{"type": "integer"}""", "Số nguyên")},
            ${field(5, "d", """{"type": "decimal"}""", "Số thập phân")},
            ${field(6, "one", """{"type": "select_one", "list": "abc", "or_other": false}""", "Chọn một")},
            ${field(7, "many", """{"type": "select_multiple", "list": "abc", "or_other": false}""", "Chọn nhiều")},
            ${field(8, "day", """{"type": "date"}""", "Ngày")},
            ${field(9, "clock", """{"type": "time"}""", "Giờ")},
            ${field(10, "at", """{"type": "date_time"}""", "Ngày giờ")},
            ${field(11, "where", """{"type": "geopoint"}""", "Vị trí")},
            ${field(12, "pic", """{"type": "image"}""", "Ảnh")},
            ${field(13, "read", """{"type": "note"}""", "Đọc kỹ")},
            ${field(14, "ok", """{"type": "acknowledge"}""", "Xác nhận")},
            ${field(15, "code", """{"type": "barcode"}""", "Mã vạch")}
         ]}],
         "choices": {"abc": {"name": "abc", "choices": [
            {"name": "a", "label": {"Tiếng Việt (vi)": "A"}, "extra": {}, "source": {"sheet": "choices", "row": 2}},
            {"name": "b", "label": {"Tiếng Việt (vi)": "B"}, "extra": {}, "source": {"sheet": "choices", "row": 3}},
            {"name": "c", "label": {"Tiếng Việt (vi)": "C"}, "extra": {}, "source": {"sheet": "choices", "row": 4}}]}}}
    """

    @Test
    fun `every kind of question takes its answer from its widget and shows it back`() = TestApp.with { app ->
        app.core.importFormJson(form)
        val id = app.core.startSurvey("widgets", null, null, null).use { it.submissionId() }
        val p = SurveyPresenter(app.scope, id)
        p.open()
        fun item(name: String) = p.state.questions.firstOrNull { it.question.name == name } ?: fail("no $name")
        fun value(name: String) = item(name).question.value
        assertEquals(
            listOf(QuestionKind.TEXT, QuestionKind.INTEGER, QuestionKind.DECIMAL, QuestionKind.SELECT_ONE, QuestionKind.SELECT_MULTIPLE,
                QuestionKind.DATE, QuestionKind.TIME, QuestionKind.DATE_TIME, QuestionKind.GEOPOINT, QuestionKind.IMAGE,
                QuestionKind.NOTE, QuestionKind.ACKNOWLEDGE, QuestionKind.BARCODE),
            p.state.questions.map { it.question.kind },
        )
        assertEquals("Tất cả", p.state.title)
        val page = p.state.pageNumber

        p.type("t", "Lò Thị Mai")
        assertEquals(Answer.Text("Lò Thị Mai"), value("t"))
        p.type("i", " 42 ")
        assertEquals(Answer.Integer(42), value("i"))
        p.type("i", "4.5")
        assertEquals("Thông tin nhập vào chưa đúng. Chị kiểm tra lại nhé.", item("i").error)
        assertEquals(Answer.Integer(42), value("i"), "the last good number stays until she fixes it")
        p.type("i", "")
        assertNull(value("i"))
        assertNull(item("i").error)
        p.type("d", "2,5")
        assertEquals(Answer.Decimal(2.5), value("d"), "a decimal comma is read as Vietnamese writes it")
        assertEquals("2,5", item("d").shown, "and shown as Vietnamese writes it")
        p.type("d", "3.75")
        assertEquals(Answer.Decimal(3.75), value("d"), "a dot is read too")
        assertEquals("3,75", item("d").shown)
        assertEquals("3.75", answerText(item("d").question, UiLanguage.EN), "English keeps the dot")
        p.type("d", "1e999")
        assertEquals("Thông tin nhập vào chưa đúng. Chị kiểm tra lại nhé.", item("d").error, "too large is not a number")
        assertEquals("1e999", item("d").shown, "what she typed stays in the box")
        assertEquals(Answer.Decimal(3.75), value("d"))
        p.type("d", "3,75")
        assertNull(item("d").error)

        p.choose("one", "b")
        assertEquals(setOf("b"), item("one").chosen)
        p.toggle("many", "c")
        p.toggle("many", "a")
        assertEquals(Answer.Choices(listOf("a", "c")), value("many"), "stored in the form's order")
        assertEquals("A, C", item("many").shown, "by their labels")
        p.toggle("many", "c")
        p.toggle("many", "a")
        assertNull(value("many"), "unticking the last one clears it")

        p.pick("day", PickerFields(2025, 6u, 5u, 23u, 59u))
        assertEquals(Answer.Date(CalendarDate(2025, 6u, 5u)), value("day"), "a date keeps the day")
        assertEquals("05/06/2025", item("day").shown)
        p.pick("clock", PickerFields(1999, 1u, 1u, 7u, 5u))
        assertEquals(Answer.Time(TimeOfDay(7u, 5u, 0u)), value("clock"), "a time keeps the hour and minute")
        assertEquals("07:05", item("clock").shown)
        p.pick("at", PickerFields(2025, 6u, 12u, 8u, 30u))
        assertEquals(Answer.DateTime(Instant.parse("2025-06-12T01:30:00Z")), value("at"), "picked on Vietnam's clock")
        assertEquals("12/06/2025 08:30", item("at").shown)
        assertEquals(PickerFields(2025, 6u, 12u, 8u, 30u), pickerStart(item("at").question), "the picker reopens on what she picked")
        p.pick("at", PickerFields(2025, 2u, 30u, 8u, 30u))
        assertEquals("Thông tin nhập vào chưa đúng. Chị kiểm tra lại nhé.", p.state.message, "no 30 February")
        assertEquals(Answer.DateTime(Instant.parse("2025-06-12T01:30:00Z")), value("at"), "the answer stays")
        p.location("where", 22.5, 103.25, null, null)
        assertEquals("22.500000, 103.250000", item("where").shown, "no accuracy known, none shown")

        val bad = app.cameraJpeg("broken.jpg").apply { writeText("not a photo") }
        p.photo("pic", bad)
        assertEquals("Không dùng được ảnh này. Hãy chụp lại.", p.state.message)
        assertNull(value("pic"))
        p.photo("pic", app.cameraJpeg("good.jpg"))
        assertEquals(64, (value("pic") as Answer.Photo).sha256.length)

        assertEquals("Đọc kỹ", item("read").question.label)
        p.acknowledge("ok", true)
        assertEquals(Answer.Acknowledged, value("ok"))
        assertEquals("Tôi xác nhận", item("ok").shown)
        p.acknowledge("ok", false)
        assertNull(value("ok"))

        // A barcode photographed: ZXing reads it, her box gives it to the core, which
        // keeps it without the scanner's control characters.
        val scanned = p.scanned(ean13("893456313816"), 400, 200)
        assertEquals("8934563138165", scanned, "the check digit is read too")
        p.type("code", "\u001d$scanned\r\n")
        assertEquals(Answer.Text("8934563138165"), value("code"))
        assertNull(p.scanned(IntArray(400 * 200) { WHITE }, 400, 200), "a picture with no code")
        assertEquals("Không đọc được mã. Chị chụp lại gần hơn, hoặc nhập mã.", p.state.message)
        assertEquals(Answer.Text("8934563138165"), value("code"), "the answer stays")
        p.type("code", "ABC-123")
        assertEquals(Answer.Text("ABC-123"), value("code"), "typed by hand")

        assertEquals(page, p.state.pageNumber, "answering never rebuilt the page")
        app.language(UiLanguage.EN)
        p.clear("day")
        p.pick("day", PickerFields(2025, 6u, 5u, 0u, 0u))
        assertEquals("5 Jun 2025", item("day").shown)
        p.close()

        // Everything was saved as she went: a fresh session reads the same answers.
        app.core.resumeSurvey(id).use { s ->
            val answers = s.screen().questions.associate { it.name to it.value }
            assertEquals(Answer.Text("Lò Thị Mai"), answers["t"])
            assertEquals(Answer.Decimal(3.75), answers["d"])
            assertEquals(Answer.Choice("b"), answers["one"])
            assertEquals(value("pic"), answers["pic"])
            assertEquals(Answer.Text("ABC-123"), answers["code"])
        }
    }

    /** The ARGB pixels of a 400 x 200 photo of the EAN-13 code of [digits], as ZXing draws it. */
    private fun ean13(digits: String): IntArray {
        val bars = EAN13Writer().encode(digits, BarcodeFormat.EAN_13, 360, 120)
        return IntArray(400 * 200) { i ->
            val x = i % 400 - 20
            val y = i / 400 - 40
            if (x in 0 until bars.width && y in 0 until bars.height && bars.get(x, y)) BLACK else WHITE
        }
    }

    private companion object {
        const val BLACK = 0xFF000000.toInt()
        const val WHITE = 0xFFFFFFFF.toInt()
    }
}
