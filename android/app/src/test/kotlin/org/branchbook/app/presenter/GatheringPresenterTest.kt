package org.branchbook.app.presenter

import java.io.File
import java.time.Instant
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.fail
import uniffi.branchbook.core.AgeGroup
import uniffi.branchbook.core.GatheringEdit
import uniffi.branchbook.core.GatheringKind
import uniffi.branchbook.core.InputField
import uniffi.branchbook.core.RecordState
import uniffi.branchbook.core.RosterChange
import uniffi.branchbook.core.UiLanguage
import uniffi.branchbook.core.WalkInEdit

class GatheringPresenterTest {
    private fun TestApp.roster() {
        val csv = File(dir, "roster.csv")
        csv.writeText(
            "ho_ten,sex,birth_year,ethnicity,village\n" +
                "Thào Thị Dợ,female,1982,Mông,Bản Phùng\n" +
                "Lò Thị Mai,female,1990,Thái,Bản Phùng\n" +
                "Giàng A Páo,male,1978,hmong,Bản Phùng\n" +
                "Đặng Thị Hoa,female,2001,dao,Lao Chải\n",
        )
        core.importRosterCsv(csv.path, RosterChange.REPLACE)
    }

    /** Creates a gathering through the new-gathering form, as she would; returns its id. */
    private fun TestApp.newGathering(): String {
        navigator.open(Route.Gatherings)
        navigator.open(Route.GatheringNew)
        val before = Instant.now()
        val form = GatheringNewPresenter(scope)
        val now = form.state.form!!.startsAt
        assertTrue(now <= Instant.now() && now > before.minusSeconds(60), "now, to the minute: $now")
        assertEquals(GatheringKind.entries.size, form.state.form!!.kinds.size)
        assertEquals("Đối thoại chính sách", form.state.form!!.kinds.first().name)
        form.edit(GatheringEdit.Village("Bản Phùng"))
        form.save()
        assertEquals(InputField.Topic, form.state.form!!.invalid, "a topic is required")
        assertEquals("Chủ đề", form.state.form!!.errorAbout)
        assertEquals(Route.GatheringNew, navigator.current)
        form.edit(GatheringEdit.Topic("Phòng chống tảo hôn"))
        form.edit(GatheringEdit.Kind(GatheringKind.COMMUNICATION_SESSION))
        form.date(2025, 6, 14)
        form.time(14, 0)
        assertEquals("14/06/2025 14:00", form.state.form!!.startsAtText, "on Vietnam's clock")
        form.date(2025, 2, 30)
        assertEquals(InputField.StartsAt, form.state.form!!.invalid, "a day the calendar does not have")
        assertEquals("14/06/2025 14:00", form.state.form!!.startsAtText, "the day stays")
        form.edit(GatheringEdit.Facilitator("Lò Thị Mai"))
        form.save()
        val route = navigator.current as Route.Gathering
        assertEquals(listOf(Route.Home, Route.Gatherings, route), navigator.routes, "the form gave way to the gathering")
        val g = core.gathering(route.gatheringId)
        assertEquals(Instant.parse("2025-06-14T07:00:00Z"), g.details.startsAt)
        assertEquals(GatheringKind.COMMUNICATION_SESSION, g.details.kind)
        return route.gatheringId
    }

    @Test
    fun `one tap checks a member in, twice changes nothing, walk-ins and photos count, closing needs someone`() = TestApp.with { app ->
        app.roster()
        val id = app.newGathering()
        val p = GatheringPresenter(app.scope, id)
        p.refresh()
        fun screen() = p.state.screen ?: fail("not read")
        fun totals() = screen().totals.let { listOf(it.total) + it.bySex }
        with(screen()) {
            assertEquals("Phòng chống tảo hôn", heading.title)
            assertEquals(listOf("Buổi truyền thông", "Bản Phùng", "14/06/2025 14:00", "Lò Thị Mai"), heading.details)
            assertTrue(canChange)
            assertEquals("Đang diễn ra", heading.status)
            assertEquals("Chưa có ai điểm danh.", noAttendees)
            assertEquals("Cần điểm danh ít nhất một người trước khi kết thúc.", needsAttendee)
            assertEquals(listOf("Tổng số: 0 người", "Nữ: 0", "Nam: 0"), totals())
        }

        // Closing an empty gathering is refused with the reason.
        p.close()
        assertEquals("Cần điểm danh ít nhất một người trước khi kết thúc.", p.state.message)
        p.messageShown()
        assertTrue(screen().canChange)

        // Search as she types, without accents.
        p.search("thao thi")
        val thao = screen().candidates.single()
        assertEquals("Thào Thị Dợ", thao.row.title)
        assertEquals("Bản Phùng · 1982 · Mông", thao.row.detail)
        assertFalse(thao.checkedIn)
        assertEquals("Điểm danh", thao.action)
        p.checkIn(thao.row.id)
        assertTrue(screen().candidates.single().checkedIn)
        assertEquals("Đã điểm danh", screen().candidates.single().action)
        assertEquals(listOf("Tổng số: 1 người", "Nữ: 1", "Nam: 0"), totals())
        p.checkIn(thao.row.id)
        assertEquals(1, screen().attendees.size, "a second tap changes nothing")
        assertEquals("Người tham dự (1)", screen().attendeesHeading)
        assertNull(screen().needsAttendee)

        p.search("giang a pao")
        p.checkIn(screen().candidates.single().row.id)
        p.search("d")
        assertEquals(setOf("Thào Thị Dợ", "Đặng Thị Hoa"), screen().candidates.map { it.row.title }.toSet(), "d finds đ")
        assertTrue(screen().candidates.single { it.row.title == "Thào Thị Dợ" }.checkedIn)
        p.search("  ")
        assertEquals(0, screen().candidates.size, "a blank search finds no one")

        // A walk-in from the short dialog.
        p.openWalkIn()
        assertEquals("Hãy ghi năm sinh hoặc chọn độ tuổi.", p.state.walkIn?.ageHint)
        p.walkIn(WalkInEdit.Name("Sùng Thị Chở"))
        p.walkIn(WalkInEdit.Ethnicity("dao"))
        p.addWalkIn()
        assertEquals("Hãy ghi năm sinh hoặc chọn độ tuổi.", p.state.walkIn?.error, "she needs a birth year or an age group")
        p.walkIn(WalkInEdit.BirthYear("19 90"))
        assertNull(p.state.walkIn?.error, "typing clears the error")
        assertNull(p.state.walkIn?.ageHint, "a year is being typed")
        p.addWalkIn()
        assertEquals("Thông tin nhập vào chưa đúng. Chị kiểm tra lại nhé.", p.state.walkIn?.error)
        assertEquals(InputField.BirthYear, p.state.walkIn?.invalid, "the core reads the year she typed")
        p.walkIn(WalkInEdit.BirthYear(""))
        p.walkIn(WalkInEdit.AgeGroup(AgeGroup.YOUTH))
        p.addWalkIn()
        assertNull(p.state.walkIn, "the dialog closes")
        val walkIn = screen().attendees.last()
        assertTrue(walkIn.canMakeMember)
        assertEquals(listOf(false, false, true), screen().attendees.map { it.canMakeMember }, "only the walk-in joins the roster")
        assertEquals(listOf("Thào Thị Dợ", "Giàng A Páo", "Sùng Thị Chở"), screen().attendees.map { it.row.title }, "check-in order")
        assertEquals("Nữ · Từ 16 đến 30 tuổi · Dao", walkIn.row.detail)
        assertEquals(listOf("Tổng số: 3 người", "Nữ: 2", "Nam: 1"), totals())
        assertEquals(listOf("Mông: 2", "Dao: 1"), screen().totals.byEthnicity)
        p.makeMember(walkIn.row.id)
        assertEquals("Đã lưu", p.state.message)
        assertEquals(1, app.core.searchMembers("sung thi cho", 0u, 5u).size, "she is on the roster now")

        // Checked in by mistake: removed, and the search shows her as not checked in again.
        p.search("giang")
        val pao = screen().attendees.single { it.row.title == "Giàng A Páo" }
        p.remove(pao.row.id)
        assertEquals(listOf("Tổng số: 2 người", "Nữ: 2", "Nam: 0"), totals())
        assertFalse(screen().candidates.single().checkedIn)

        // Photos as evidence.
        p.takingPhoto()
        assertFalse(screen().canTakePhoto, "no second photo while one is taken in")
        assertEquals("Đang tải…", screen().takePhoto)
        p.photo(app.cameraJpeg("session.jpg", 320, 240))
        assertTrue(screen().canTakePhoto)
        p.takingPhoto()
        p.photo(app.cameraJpeg("session2.jpg", 200, 100))
        p.takingPhoto()
        p.photo(null)
        assertTrue(screen().canTakePhoto, "the camera closed without a photo")
        assertEquals("Ảnh (2)", screen().photosHeading)
        var thumb: ByteArray? = null
        p.thumbnail(screen().photos.first().sha256) { thumb = it }
        assertNotNull(thumb)
        p.removePhoto(screen().photos.last().sha256)
        assertEquals(1, screen().photos.size)
        assertFalse(File(app.dir, "session.jpg").exists(), "the camera's file is deleted")

        p.close()
        with(screen()) {
            assertFalse(canChange)
            assertFalse(canTakePhoto)
            assertEquals("Đã kết thúc", heading.status)
            assertTrue(attendees.none { it.canRemove || it.canMakeMember })
            assertTrue(photos.none { it.canRemove })
        }
        assertEquals("Đã kết thúc", p.state.message)
        assertEquals(RecordState.FINALIZED, app.core.gathering(id).state)
        p.search("lo thi mai")
        assertEquals(0, screen().candidates.size, "no search once closed")
        p.checkIn(app.core.searchMembers("lo thi mai", 0u, 1u).single().id)
        assertEquals("Không thể làm việc này lúc này.", p.state.message, "a closed gathering takes no one")
        assertEquals(2, app.core.attendees(id).size)

        // The list of gatherings, in English.
        app.language(UiLanguage.EN)
        val list = GatheringsPresenter(app.scope)
        list.refresh()
        assertEquals(emptyList<Row>(), list.state.open)
        assertEquals("Phòng chống tảo hôn", list.state.closed.single().title)
        assertEquals("Communication session · Bản Phùng · 14 Jun 2025 14:00 · Attendees (2)", list.state.closed.single().detail)
        list.open(id)
        assertEquals(Route.Gathering(id), app.navigator.current)
    }

    @Test
    fun `an empty list says so, and a gathering that is gone closes its screen`() = TestApp.with { app ->
        val list = GatheringsPresenter(app.scope)
        list.refresh()
        assertEquals("Chưa có buổi sinh hoạt nào.", list.state.empty)
        list.new()
        assertEquals(Route.GatheringNew, app.navigator.current)
        app.navigator.open(Route.Gathering("0193a0c4-0000-7000-8000-00000000abcd"))
        GatheringPresenter(app.scope, "0193a0c4-0000-7000-8000-00000000abcd").refresh()
        assertEquals(Route.GatheringNew, app.navigator.current)
        assertEquals(listOf("Không tìm thấy mục này. Có thể nó đã bị xóa."), app.notices)
    }
}
