package org.branchbook.facade

import java.io.File
import java.time.Instant
import org.branchbook.testing.ServerRecord
import org.branchbook.testing.SyncServer
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import org.junit.jupiter.api.fail
import uniffi.branchbook.core.InputField
import uniffi.branchbook.Branchbook
import uniffi.branchbook.FinalizeOutcome
import uniffi.branchbook.core.Answer
import uniffi.branchbook.core.BranchbookException
import uniffi.branchbook.core.CancelHandle
import uniffi.branchbook.core.GatheringDetails
import uniffi.branchbook.core.GatheringKind
import uniffi.branchbook.core.SyncObserver
import uniffi.branchbook.core.SyncPhase
import uniffi.branchbook.core.SyncProgress
import uniffi.branchbook.core.UiLanguage

/**
 * Sending, through the generated Kotlin bindings against a real server the test starts
 * ([SyncServer]): enrolling with the QR payload an officer shows, a pass bringing the form and
 * the roster down with progress heard by a Kotlin [SyncObserver], a survey and a gathering with
 * a photo going up exactly once, cancelling from the UI, a revoked phone; and the typed errors
 * a phone gets before any server is involved.
 */
class SyncTest {
    /** The app's progress callback: keeps every report, as a send screen would show them. */
    private class Progress(private val onReport: (SyncProgress) -> Unit = {}) : SyncObserver {
        val reports: MutableList<SyncProgress> = java.util.Collections.synchronizedList(mutableListOf())

        override fun onProgress(progress: SyncProgress) {
            reports.add(progress)
            onReport(progress)
        }

        /** The phases seen, in order, each once. */
        fun phases(): List<SyncPhase> = reports.map { it.phase }.fold(listOf()) { seen, p -> if (seen.lastOrNull() == p) seen else seen + p }

        /** The last report of [phase]. */
        fun last(phase: SyncPhase): SyncProgress = reports.last { it.phase == phase }

        /**
         * Phases come in the pass's order, and counts never pass their totals (0 when not known
         * in advance: pages of roster changes) nor go back within a phase.
         */
        fun assertConsistent() {
            assertEquals(phases().sorted(), phases(), "phases out of order: ${phases()}")
            for ((phase, seen) in reports.groupBy { it.phase }) {
                for (r in seen) {
                    assertTrue(r.itemsTotal == 0UL || r.itemsDone <= r.itemsTotal) { "$phase: $r" }
                    assertTrue(r.bytesTotal == 0UL || r.bytesDone <= r.bytesTotal) { "$phase: $r" }
                }
                assertEquals(seen.map { it.itemsDone }.sorted(), seen.map { it.itemsDone }) { "$phase went back: $seen" }
                assertEquals(seen.map { it.bytesDone }.sorted(), seen.map { it.bytesDone }) { "$phase went back: $seen" }
            }
            assertEquals(SyncPhase.DONE, reports.last().phase)
        }
    }

    /**
     * Runs [body] with a fresh server and a new app enrolled with it by a typed address and code
     * (the QR path is the first test's) and synced once (forms and roster down).
     */
    private fun <T> enrolled(body: (Branchbook, SyncServer, File) -> T): T = SyncServer.start().use { server ->
        Fixtures.withApp { app, dir ->
            val (address, code) = server.typedCode()
            val enrolled = app.enroll(address, " $code ", "Điện thoại của Mai", CancelHandle())
            assertEquals("Chi hội Bản Dền", enrolled.branchName)
            assertEquals(3u, app.sync(Progress(), CancelHandle()).membersReceived)
            body(app, server, dir)
        }
    }

    /** Fills and finalizes one household survey; returns its id. */
    private fun survey(app: Branchbook, head: String): String = app.startSurvey("household_visit", null, null, null).use { s ->
        s.setAnswer("head_name", Answer.Text(head))
        s.setAnswer("n_members", Answer.Integer(5))
        s.setAnswer("water", Answer.Choice("well"))
        when (val outcome = s.finalize()) {
            is FinalizeOutcome.Finalized -> outcome.submission.uuid
            is FinalizeOutcome.NeedsAttention -> fail("the survey is complete but: ${outcome.problems}")
        }
    }

    @Test
    fun `a phone enrolls with a QR code and sends a survey and a gathering exactly once, with progress`() =
        SyncServer.start().use { server ->
            Fixtures.withApp { app, dir ->
                assertNull(app.enrollment())
                val enrolled = app.enrollWithQr(server.firstQr, "Điện thoại của Mai", CancelHandle())
                assertEquals("Chi hội Bản Dền", enrolled.branchName)
                assertEquals(listOf("Lào Cai", "Xã Bản Hồ"), enrolled.areaPath)
                assertEquals(enrolled, app.enrollment())

                // The first pass brings the published form and the branch's roster.
                val first = Progress()
                val pulled = app.sync(first, CancelHandle())
                assertEquals(1u to 3u, pulled.formsReceived to pulled.membersReceived)
                assertEquals(0UL, pulled.recordsStored)
                first.assertConsistent()
                assertEquals(SyncPhase.PULLING_FORMS, first.phases().first())
                assertEquals(listOf("household_visit"), app.listForms(true).map { it.formId })
                val member = app.searchMembers("thao thi do", 0u, 5u).single()

                // A survey, and a gathering with an attendee and a photo.
                val surveyId = survey(app, "Giàng A Páo")
                val g = app.createGathering(
                    GatheringDetails(GatheringKind.COMMUNICATION_SESSION, "Làm mẹ an toàn", "Bản Dền", Instant.now(), "Lò Thị Mai", ""),
                )
                app.checkIn(g.uuid, member.id)
                app.attachGatheringPhoto(g.uuid, Fixtures.cameraJpeg(dir, "session.jpg"))
                app.closeGathering(g.uuid)
                val waiting = app.outboxStatus()
                assertTrue(waiting.recordsWaiting >= 2UL) { waiting.toString() }
                assertEquals(1UL, waiting.photosWaiting)

                // The second pass sends them, and the callback hears every record and byte go.
                val second = Progress()
                val sent = app.sync(second, CancelHandle())
                second.assertConsistent()
                assertEquals(waiting.recordsWaiting, sent.recordsStored)
                assertEquals(0UL, sent.recordsRefused)
                assertEquals(1u, sent.photosStored)
                assertEquals(waiting.photoBytesWaiting, sent.photoBytesSent)
                val records = second.last(SyncPhase.PUSHING_RECORDS)
                assertEquals(waiting.recordsWaiting to waiting.recordsWaiting, records.itemsDone to records.itemsTotal)
                val photos = second.last(SyncPhase.PUSHING_PHOTOS)
                assertEquals(1UL to 1UL, photos.itemsDone to photos.itemsTotal)
                assertEquals(waiting.photoBytesWaiting to waiting.photoBytesWaiting, photos.bytesDone to photos.bytesTotal)
                val empty = app.outboxStatus()
                assertEquals(listOf(0UL, 0UL), listOf(empty.recordsWaiting, empty.photosWaiting))
                assertTrue(empty.refused.isEmpty())
                assertEquals(1UL, app.homeCounts().surveysSent)

                // The server holds each record once, the gathering with its photo; a third pass sends nothing.
                val onServer = listOf(server.list("submissions"), server.list("gatherings"))
                assertEquals(listOf(ServerRecord(surveyId, 1, true)), onServer[0])
                assertEquals(listOf(ServerRecord(g.uuid, 1, true)), onServer[1])
                val again = app.sync(Progress(), CancelHandle())
                assertEquals(listOf(0UL, 0UL, 0UL), listOf(again.recordsStored, again.recordBytesSent, again.photoBytesSent))
                assertEquals(onServer, listOf(server.list("submissions"), server.list("gatherings")))
            }
        }

    @Test
    fun `cancelling from the UI stops a pass, and the next pass sends each record once`() = enrolled { app, server, _ ->
        val ids = (1..3).map { survey(app, "Hộ số $it") }
        val waiting = app.outboxStatus().recordsWaiting
        val cancel = CancelHandle()
        // The send screen's Cancel button, pressed as soon as records start to go.
        val seen = Progress { if (it.phase == SyncPhase.PUSHING_RECORDS) cancel.cancel() }
        assertThrows<BranchbookException.Cancelled> { app.sync(seen, cancel) }
        assertTrue(SyncPhase.DONE !in seen.phases()) { seen.phases().toString() }
        assertEquals(waiting, app.outboxStatus().recordsWaiting, "nothing acknowledged, nothing marked sent")
        assertTrue(server.list("submissions").isEmpty())

        val report = app.sync(Progress(), CancelHandle())
        assertEquals(waiting, report.recordsStored)
        assertEquals(0UL, app.outboxStatus().recordsWaiting)
        assertEquals(ids.sorted(), server.list("submissions").map { it.uuid }.sorted())
    }

    @Test
    fun `a revoked phone is told so in its own exception and keeps what it has not sent`() = enrolled { app, server, _ ->
        survey(app, "Giàng A Páo")
        val waiting = app.outboxStatus().recordsWaiting
        server.revoke(app.enrollment()?.deviceId ?: fail("enrolled"))
        val revoked = assertThrows<BranchbookException.DeviceRevoked> { app.sync(Progress(), CancelHandle()) }
        assertTrue(revoked.userMessage(UiLanguage.VI).contains("thu hồi")) { revoked.userMessage(UiLanguage.VI) }
        assertEquals(waiting, app.outboxStatus().recordsWaiting)
        assertTrue(server.list("submissions").isEmpty())
    }

    @Test
    fun `before any server, enrolling and syncing fail with typed exceptions, never a crash`() = Fixtures.withApp { app, _ ->
        val seen = Progress()
        assertThrows<BranchbookException.NotEnrolled> { app.sync(seen, CancelHandle()) }
        assertTrue(seen.reports.isEmpty())

        val notQr = assertThrows<BranchbookException.InvalidInput> { app.enrollWithQr("not a QR payload", "phone", CancelHandle()) }
        assertEquals(InputField.EnrollmentCode, notQr.field)
        val clear = assertThrows<BranchbookException.InvalidInput> {
            app.enroll("http://sync.example.vn", "ABCD-1234", "phone", CancelHandle())
        }
        assertEquals(InputField.ServerAddress, clear.field)
        assertTrue(clear.reason.contains("https")) { clear.reason }

        val cancel = CancelHandle()
        cancel.cancel()
        assertThrows<BranchbookException.Cancelled> { app.enroll("http://127.0.0.1:9", "ABCD-1234", "phone", cancel) }
        assertNull(app.enrollment())
    }
}
