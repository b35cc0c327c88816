package org.branchbook.app.presenter

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Test
import uniffi.branchbook.core.HouseholdEdit
import uniffi.branchbook.core.HouseholdInput
import uniffi.branchbook.core.InputField
import uniffi.branchbook.core.MemberInput
import uniffi.branchbook.core.Sex

class HouseholdEditPresenterTest {
    @Test
    fun `a new household is refused without a head, then saved with its members and opened`() = TestApp.with { app ->
        app.navigator.open(Route.Households)
        app.navigator.open(Route.HouseholdEdit(null))
        val form = HouseholdEditPresenter(app.scope, null)
        form.load()
        assertEquals("", form.state.form!!.village)
        form.edit(HouseholdEdit.Village("Bản Phùng"))
        form.save()
        assertEquals(InputField.HeadName, form.state.form!!.invalid)
        assertEquals("Thông tin nhập vào chưa đúng. Chị kiểm tra lại nhé.", form.state.form!!.error)
        assertEquals("Họ tên chủ hộ", form.state.form!!.errorAbout)
        assertEquals(Route.HouseholdEdit(null), app.navigator.current, "nothing saved, still on the form")

        form.edit(HouseholdEdit.HeadName("Giàng A Páo"))
        assertNull(form.state.form!!.error, "typing clears the error")
        form.edit(HouseholdEdit.AddMember)
        form.edit(HouseholdEdit.AddMember)
        form.edit(HouseholdEdit.MemberName(0u, "Thào Thị Dợ"))
        form.edit(HouseholdEdit.MemberBirthYear(0u, "1982"))
        form.edit(HouseholdEdit.MemberEthnicity(0u, "hmong"))
        form.edit(HouseholdEdit.MemberRelation(0u, "vợ"))
        form.edit(HouseholdEdit.MemberName(1u, "Giàng A Sử"))
        form.edit(HouseholdEdit.MemberSex(1u, Sex.MALE))
        form.edit(HouseholdEdit.MemberBirthYear(1u, "20l5"))
        form.save()
        assertEquals(InputField.BirthYear, form.state.form!!.members[1].invalid, "the core refuses a typo in a birth year on her row")
        assertNull(form.state.form!!.members[0].invalid)
        assertEquals("Năm sinh (2)", form.state.form!!.errorAbout)
        assertEquals("20l5", form.state.form!!.members[1].birthYear, "kept as typed")
        form.edit(HouseholdEdit.MemberBirthYear(1u, "1850"))
        form.save()
        assertEquals(InputField.BirthYear, form.state.form!!.members[1].invalid, "the core refuses a birth year before 1900")
        form.edit(HouseholdEdit.MemberBirthYear(1u, ""))
        form.edit(HouseholdEdit.AddMember)
        form.save()
        assertEquals(InputField.Name, form.state.form!!.members[2].invalid, "the member without a name")
        form.edit(HouseholdEdit.RemoveMember(2u))
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
        assertEquals("Lù Thị Sính", form.state.form!!.headName)
        assertEquals("2010", form.state.form!!.members.single().birthYear)
        form.edit(HouseholdEdit.Notes("Nhà gần trường"))
        form.edit(HouseholdEdit.MemberName(0u, "Lù A Chứ"))

        // Meanwhile the household changed (an update from the server, another screen).
        val other = HouseholdEditPresenter(app.scope, created.uuid)
        other.load()
        other.edit(HouseholdEdit.Address("số 5"))
        other.save()
        assertEquals(2u, app.core.household(created.uuid).revision)

        form.save()
        assertEquals("Mục này vừa được cập nhật. Hãy mở lại để xem bản mới nhất.", form.state.form!!.error)
        form.load()
        assertEquals("số 5", form.state.form!!.address)
        form.edit(HouseholdEdit.MemberName(0u, "Lù A Chứ"))
        form.save()
        val h = app.core.household(created.uuid)
        assertEquals(3u, h.revision)
        assertEquals(created.body.members.single().id, h.body.members.single().id, "the same person, renamed")
        assertEquals("Lù A Chứ", h.body.members.single().name)
    }
}
