package org.branchbook.app.presenter

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Test
import uniffi.branchbook.core.HouseholdInput
import uniffi.branchbook.core.MemberInput
import uniffi.branchbook.core.Sex

class HouseholdEditPresenterTest {
    @Test
    fun `a new household is refused without a head, then saved with its members and opened`() = TestApp.with { app ->
        app.navigator.open(Route.Households)
        app.navigator.open(Route.HouseholdEdit(null))
        val form = HouseholdEditPresenter(app.scope, null)
        form.load()
        assertFalse(form.state.loading)
        form.village("Bản Phùng")
        form.save()
        assertEquals(HouseholdField.HEAD_NAME, form.state.invalid)
        assertEquals("Thông tin nhập vào chưa đúng. Chị kiểm tra lại nhé.", form.state.error)
        assertEquals(Route.HouseholdEdit(null), app.navigator.current, "nothing saved, still on the form")

        form.headName("Giàng A Páo")
        assertNull(form.state.error, "typing clears the error")
        form.addMember()
        form.addMember()
        form.member(0) { copy(name = "Thào Thị Dợ", sex = Sex.FEMALE, birthYear = "1982", ethnicity = "hmong", relation = "vợ") }
        form.member(1) { copy(name = "Giàng A Sử", sex = Sex.MALE, birthYear = "20l5") }
        form.save()
        assertEquals(HouseholdField.MEMBER_BIRTH_YEAR, form.state.invalid, "a typo in a birth year is caught before saving")
        assertEquals(1, form.state.invalidMember)
        form.member(1) { copy(birthYear = "1850") }
        form.save()
        assertEquals(HouseholdField.MEMBER_BIRTH_YEAR, form.state.invalid, "the core refuses a birth year before 1900")
        assertEquals(1, form.state.invalidMember, "the core names the member by her place")
        form.member(1) { copy(birthYear = "") }
        form.addMember()
        form.save()
        assertEquals(HouseholdField.MEMBER_NAME, form.state.invalid)
        assertEquals(2, form.state.invalidMember, "the member without a name")
        form.removeMember(2)
        form.save()

        val saved = app.navigator.current as Route.Household
        assertEquals(listOf(Route.Home, Route.Households, saved), app.navigator.routes, "the form gave way to the household")
        val h = app.core.household(saved.householdId)
        assertEquals(listOf("Thào Thị Dợ", "Giàng A Sử"), h.body.members.map { it.name })
        assertEquals(listOf(1982, null), h.body.members.map { it.birthYear })
        assertEquals("hmong", h.body.members[0].ethnicity)
    }

    @Test
    fun `an edit keeps members' ids, makes a new revision, and is refused when the household changed meanwhile`() = TestApp.with { app ->
        val created = app.core.createHousehold(
            HouseholdInput("Lao Chải", "số 4", "Lù Thị Sính", listOf(MemberInput(null, "Lù A Chư", Sex.MALE, 2010, "hmong", "con")), ""),
        )
        val form = HouseholdEditPresenter(app.scope, created.uuid)
        form.load()
        assertEquals("Lù Thị Sính", form.state.headName)
        assertEquals("2010", form.state.members.single().birthYear)
        form.notes("Nhà gần trường")
        form.member(0) { copy(name = "Lù A Chứ") }

        // Meanwhile the household changed (an update from the server, another screen).
        val other = HouseholdEditPresenter(app.scope, created.uuid)
        other.load()
        other.address("số 5")
        other.save()
        assertEquals(2u, app.core.household(created.uuid).revision)

        form.save()
        assertEquals("Mục này vừa được cập nhật. Hãy mở lại để xem bản mới nhất.", form.state.error)
        form.load()
        assertEquals("số 5", form.state.address)
        form.member(0) { copy(name = "Lù A Chứ") }
        form.save()
        val h = app.core.household(created.uuid)
        assertEquals(3u, h.revision)
        assertEquals(created.body.members.single().id, h.body.members.single().id, "the same person, renamed")
        assertEquals("Lù A Chứ", h.body.members.single().name)
    }
}
