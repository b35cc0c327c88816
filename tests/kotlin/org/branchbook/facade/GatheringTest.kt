package org.branchbook.facade

import java.io.File
import java.time.Instant
import org.junit.jupiter.api.Assertions.assertArrayEquals
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import uniffi.branchbook.core.InputField
import uniffi.branchbook.core.AgeGroup
import uniffi.branchbook.core.BranchbookException
import uniffi.branchbook.core.GatheringDetails
import uniffi.branchbook.core.GatheringKind
import uniffi.branchbook.core.RecordState
import uniffi.branchbook.core.RosterChange
import uniffi.branchbook.core.Sex
import uniffi.branchbook.core.UiLanguage
import uniffi.branchbook.core.WalkIn
import uniffi.branchbook.gatheringKindName
import uniffi.branchbook.sexName

/**
 * A community dialogue: the roster imported from an officer's CSV, members found by typing
 * without accents and checked in with one call (which returns the live totals), a walk-in
 * added from the short dialog, a photo from the camera, then closing it.
 */
class GatheringTest {
    @Test
    fun `a dialogue checks in members and a walk-in, with a photo and live totals`() = Fixtures.withApp { app, dir ->
        val csv = File(dir, "roster.csv")
        csv.writeText(
            "ho_ten,sex,birth_year,ethnicity,village\n" +
                "Thào Thị Dợ,female,1982,Mông,Bản Phùng\n" +
                "Lò Thị Mai,female,1990,Thái,Bản Phùng\n" +
                "Giàng A Páo,male,1978,hmong,Bản Phùng\n",
        )
        assertEquals(3u, app.importRosterCsv(csv.path, RosterChange.REPLACE).added)

        val startsAt = Instant.parse("2025-06-12T01:30:00Z")
        val g = app.createGathering(
            GatheringDetails(GatheringKind.POLICY_DIALOGUE, "Phòng chống tảo hôn", "Bản Phùng", startsAt, "Lò Thị Mai", ""),
        )
        assertEquals(startsAt, g.details.startsAt)
        assertEquals(RecordState.DRAFT, g.state)
        assertEquals("Đối thoại chính sách", gatheringKindName(g.details.kind, UiLanguage.VI))

        // Search as she types, no diacritics: one tap checks her in and gives the totals.
        val found = app.checkInCandidates(g.uuid, "thao thi", 10u).single()
        assertFalse(found.checkedIn)
        val first = app.checkIn(g.uuid, found.member.id)
        assertEquals("Thào Thị Dợ", first.attendee.name)
        assertEquals(1u, first.totals.total)
        assertEquals(first.attendee, app.checkIn(g.uuid, found.member.id).attendee, "a second tap changes nothing")
        assertTrue(app.checkInCandidates(g.uuid, "THAO", 10u).single().checkedIn)
        val paoId = app.searchMembers("giang a pao", 0u, 5u).single().id
        app.checkIn(g.uuid, paoId)

        val walkIn = app.addWalkIn(g.uuid, WalkIn("Sùng Thị Chở", Sex.FEMALE, null, AgeGroup.YOUTH, "Dao"))
        assertEquals("dao", walkIn.attendee.ethnicity)
        val totals = walkIn.totals
        assertEquals(3u, totals.total)
        assertEquals(mapOf(Sex.FEMALE to 2u, Sex.MALE to 1u), totals.bySex.filter { it.count > 0u }.associate { it.sex to it.count })
        assertEquals(mapOf("hmong" to 2u, "dao" to 1u), totals.byEthnicity.associate { it.ethnicity to it.count })
        assertEquals("Nữ", sexName(Sex.FEMALE, UiLanguage.VI))
        val noAge = assertThrows<BranchbookException.InvalidInput> {
            app.addWalkIn(g.uuid, WalkIn("Vàng Thị Mỷ", Sex.FEMALE, null, null, null))
        }
        assertEquals(InputField.Age, noAge.field)
        val member = app.makeMember(g.uuid, walkIn.attendee.id, "Bản Phùng")
        assertEquals(listOf(member.id), app.searchMembers("sung thi cho", 0u, 5u).map { it.id })

        val photo = app.attachGatheringPhoto(g.uuid, Fixtures.cameraJpeg(dir, "dialogue.jpg", 1200, 900))
        assertEquals(listOf(photo), app.gatheringPhotos(g.uuid))
        val thumbnail = app.photoThumbnail(photo.sha256)
        assertArrayEquals(byteArrayOf(0xFF.toByte(), 0xD8.toByte()), thumbnail.copyOfRange(0, 2))
        assertTrue(thumbnail.size < app.photoJpeg(photo.sha256).size)
        File(dir, "not-a-photo.jpg").writeText("hello")
        assertThrows<BranchbookException.PhotoUnreadable> { app.attachGatheringPhoto(g.uuid, File(dir, "not-a-photo.jpg").path) }

        val home = app.homeCounts()
        assertEquals(1uL, home.openGatherings)
        val closed = app.closeGathering(g.uuid)
        assertEquals(RecordState.FINALIZED, closed.state)
        assertEquals(3u to 1u, closed.attendeeCount to closed.photoCount)
        assertTrue(closed.closedAt!! >= startsAt)
        assertThrows<BranchbookException.WrongState> { app.checkIn(g.uuid, paoId) }
        assertEquals(1uL, app.homeCounts().gatheringsReady)
        assertEquals(listOf(g.uuid), app.listGatherings(RecordState.FINALIZED, 0u, 10u).map { it.uuid })
    }
}
