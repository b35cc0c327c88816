package org.branchbook.app.presenter

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import uniffi.branchbook.core.FormRow
import uniffi.branchbook.core.HouseholdInput

class FormPickerPresenterTest {
    @Test
    fun `with no form she is told how to get them`() = TestApp.with { app ->
        val picker = FormPickerPresenter(app.scope, null)
        picker.refresh()
        assertEquals(emptyList<FormRow>(), picker.state.forms)
        assertEquals(
            "Chưa có biểu mẫu nào. Khi có mạng, chị bấm “Gửi dữ liệu” để tải biểu mẫu về.",
            picker.state.empty,
        )
    }

    @Test
    fun `a survey starts as a visit, in the preferred label language when the form has it`() = TestApp.with { app ->
        app.importChildRegister()
        val form = app.importHouseholdSurvey()
        val h = app.core.createHousehold(HouseholdInput("Bản Phùng", "", "Thào Thị Dợ", emptyList(), "")).uuid
        app.navigator.open(Route.Household(h))
        app.navigator.open(Route.FormPicker(h))
        app.preferences.formLanguage = "hmn"
        val picker = FormPickerPresenter(app.scope, h)
        picker.refresh()
        assertNull(picker.state.empty)
        assertTrue(picker.state.forms.all { it.ready }, "every file on the phone")
        assertEquals(
            listOf(Row("child_register", "Sổ theo dõi trẻ em", "child_register · 2025-06"), Row(form, "Khảo sát hộ gia đình – Đề án 8", "household_survey · 2025061201")),
            picker.state.forms.map { it.row },
        )
        picker.start(form)
        val survey = app.navigator.current as Route.Survey
        assertEquals(listOf(Route.Home, Route.Household(h), survey), app.navigator.routes, "the list gave way to the survey")
        val info = app.core.submission(survey.submissionId)
        assertEquals(h, info.household)
        assertEquals("Hmoob (hmn)", info.language)

        // The child register has no Hmong: it starts in its own default.
        app.navigator.open(Route.FormPicker(null))
        FormPickerPresenter(app.scope, null).start("child_register")
        val other = app.core.submission((app.navigator.current as Route.Survey).submissionId)
        assertEquals("Tiếng Việt (vi)", other.language)
        assertNull(other.household)
    }
}
