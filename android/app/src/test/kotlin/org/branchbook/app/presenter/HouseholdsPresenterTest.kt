package org.branchbook.app.presenter

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Test
import uniffi.branchbook.core.HouseholdInput

class HouseholdsPresenterTest {
    private fun TestApp.household(village: String, head: String) =
        core.createHousehold(HouseholdInput(village, "", head, emptyList(), "")).uuid

    @Test
    fun `search as she types finds names without accents, d finds đ`() = TestApp.with { app ->
        val list = HouseholdsPresenter(app.scope)
        list.refresh()
        assertEquals("Chưa có hộ nào. Bấm “Thêm hộ” để bắt đầu.", list.state.empty)

        val thao = app.household("Bản Phùng", "Thào Thị Dợ")
        val giang = app.household("Bản Phùng", "Giàng A Páo")
        val dang = app.household("Lao Chải", "Đặng Thị Hoa")
        list.refresh()
        assertEquals(listOf(giang, thao, dang), list.state.rows.map { it.id }, "by village, then head's name")
        assertNull(list.state.empty)

        list.search("th")
        assertEquals(setOf(thao, dang), list.state.rows.map { it.id }.toSet(), "Thào and Thị both begin with th")
        for (typed in listOf("tha", "thao", "thao thi do", "THAO  thi", "thao d")) {
            list.search(typed)
            assertEquals(listOf(thao), list.state.rows.map { it.id }, typed)
        }
        assertEquals(Row(thao, "Thào Thị Dợ", "Bản Phùng"), list.state.rows.first())
        list.search("dang")
        assertEquals(listOf(dang), list.state.rows.map { it.id })
        list.search("xyz")
        assertEquals(emptyList<Row>(), list.state.rows)
        assertEquals("Không tìm thấy hộ nào khớp với “xyz”.", list.state.empty)
        list.search("")
        assertEquals(3, list.state.rows.size)

        list.open(giang)
        assertEquals(Route.Household(giang), app.navigator.current)
        app.navigator.back()
        list.add()
        assertEquals(Route.HouseholdEdit(null), app.navigator.current)
    }
}
