package org.branchbook.app.presenter

import java.io.File
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.fail
import uniffi.branchbook.core.Answer
import uniffi.branchbook.core.GeoPoint
import uniffi.branchbook.core.QuestionKind

/** A road walked point by point and a field walked around: the widget shows and offers what the core decides. */
class GeoLineTest {
    @Test
    fun `a road is walked point by point, taken back, and a field around it is closed by the core`() = TestApp.with { app ->
        app.core.importFormJson(File(TestApp.repo, "core/tests/data/village_paths.json").readText())
        val id = app.core.startSurvey("village_paths", null, null, null).use { it.submissionId() }
        val p = SurveyPresenter(app.scope, id)
        p.open()
        fun item(name: String) = p.state.questions.firstOrNull { it.question.name == name } ?: fail("no $name")

        val road = item("road")
        assertEquals(QuestionKind.GEOTRACE, road.question.kind)
        val empty = road.line ?: fail("no line view")
        assertEquals("Chưa có điểm nào.", empty.summary)
        assertEquals("Thêm vị trí đang đứng", empty.addPoint)
        assertTrue(empty.canAddPoint)
        assertFalse(empty.canRemoveLast || empty.canClear, "nothing to take back yet")

        p.linePoint("road", 22.63, 103.62, 1450.0, 4.0)
        assertEquals("1 điểm", item("road").line?.summary)
        assertEquals("Cần thêm 1 điểm nữa: một đường đi cần ít nhất 2 điểm khác nhau.", item("road").error)
        p.next()
        assertEquals("road", item("road").question.name, "an unfinished line keeps her on the page")

        p.linePoint("road", 22.631, 103.62, null, null)
        p.linePoint("road", 22.632, 103.62, null, null)
        p.removeLastPoint("road")
        val walked = item("road")
        assertNull(walked.error)
        assertEquals("2 điểm · dài 111 m", walked.line?.summary)
        assertEquals("2 điểm · dài 111 m", walked.shown, "the answer reads the same everywhere")
        assertEquals(
            Answer.GeoLine(listOf(GeoPoint(22.63, 103.62, 1450.0, 4.0), GeoPoint(22.631, 103.62, 0.0, 0.0))),
            walked.question.value,
            "unknown altitude and accuracy are stored as 0, as ODK writes them",
        )
        val view = walked.line ?: fail("no line view")
        assertTrue(view.canRemoveLast && view.canClear)

        p.linePoint("road", 95.0, 103.62, null, null)
        assertEquals(2, (item("road").question.value as Answer.GeoLine).points.size, "a fix off Earth is refused")

        p.next()
        for ((lat, lon) in listOf(0.0 to 0.0, 0.0 to 0.001, 0.001 to 0.001)) p.linePoint("field", lat, lon, null, null)
        val field = item("field")
        assertEquals(QuestionKind.GEOSHAPE, field.question.kind)
        assertEquals("3 điểm · chu vi dài 380 m · diện tích 6196 m²", field.line?.summary)
        assertTrue(field.line?.help?.contains("tự nối về điểm đầu") == true)
        p.clear("field")
        assertNull(item("field").question.value)
        assertEquals("Chưa có điểm nào.", item("field").line?.summary)
    }
}
