package org.branchbook.app.presenter

import java.io.File
import java.time.Instant
import java.time.LocalDate
import java.time.ZoneOffset
import java.time.format.DateTimeFormatter
import java.time.temporal.ChronoUnit
import java.util.concurrent.CountDownLatch
import java.util.concurrent.TimeUnit
import org.branchbook.testing.SyncServer
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.fail
import uniffi.branchbook.FinalizeOutcome
import uniffi.branchbook.core.Answer
import uniffi.branchbook.core.CancelHandle
import uniffi.branchbook.core.GatheringDetails
import uniffi.branchbook.core.GatheringKind
import uniffi.branchbook.core.HouseholdEdit
import uniffi.branchbook.core.HouseholdInput
import uniffi.branchbook.core.MemberInput
import uniffi.branchbook.core.RecordState
import uniffi.branchbook.core.ReturnedRow
import uniffi.branchbook.core.Sex
import uniffi.branchbook.core.SyncObserver
import uniffi.branchbook.core.SyncProgress
import uniffi.branchbook.core.TextKey
import uniffi.branchbook.core.UiLanguage
import uniffi.branchbook.core.WalkIn
import uniffi.branchbook.formatBytes

class SendPresenterTest {
    private val form = File(TestApp.repo, "core/tests/data/child_register.json")
    private val formJson = form.readText()

    /** A server with a branch, Bản Dền, and the child register published. */
    private fun server() = SyncServer.start(form = form, branch = "Bản Dền", roster = 0)

    /** Enrolls the app's phone with [server] and gets the form. */
    private fun enrolled(app: TestApp, server: SyncServer) {
        app.core.enrollWithQr(server.qr(), "test phone", CancelHandle())
        app.scope.sender.send()
        assertTrue(app.scope.sender.status is SendStatus.Finished, "first send: ${app.scope.sender.status}")
    }

    /** "Last sent: ..." as she should read it: [at] on Vietnam's clock (UTC+7), written out here independently of the core. */
    private fun lastSentText(at: Instant) =
        "Lần gửi gần nhất: " + DateTimeFormatter.ofPattern("dd/MM/yyyy HH:mm").withZone(ZoneOffset.ofHours(7)).format(at)

    /** A finished child-register survey. */
    private fun finishedSurvey(app: TestApp, mother: String): String = app.core.startSurvey("child_register", null, null, null).use {
        it.setAnswer("mother", Answer.Text(mother))
        assertTrue(it.finalize() is FinalizeOutcome.Finalized)
        it.submissionId()
    }

    /** A closed gathering with one walk-in; [startsAt] in the future makes the server refuse it. */
    private fun closedGathering(app: TestApp, startsAt: Instant, photo: File? = null): String {
        val g = app.core.createGathering(GatheringDetails(GatheringKind.TRAINING, "Nuôi con khỏe", "Bản Dền", startsAt, "", ""))
        app.core.addWalkIn(g.uuid, WalkIn("Giàng Thị Súa", Sex.FEMALE, 1990, null, "hmong"))
        photo?.let { app.core.attachGatheringPhoto(g.uuid, it.path) }
        app.core.closeGathering(g.uuid)
        return g.uuid
    }

    @Test
    fun `the server learns the app build the phone runs and the core inside it`() = server().use { server ->
        TestApp.with { app ->
            enrolled(app, server)
            val device = app.core.enrollment()?.deviceId ?: fail("not enrolled")
            val (build, core) = server.reportedVersion(device).split("/")
            assertEquals("1.4.2+57", build, "versionName+versionCode, as TestApp opened the core")
            assertTrue(Regex("""\d+\.\d+\.\d+.*""").matches(core), core)
        }
    }

    @Test
    fun `a phone that is not connected is taken to the enroll screen`() = TestApp.with(account = null) { app ->
        val p = SendPresenter(app.scope)
        p.start()
        assertFalse(p.state.enrolled)
        assertEquals("Không còn gì cần gửi.", p.state.waiting)
        assertNull(p.state.lastSent, "never sent")
        p.send()
        assertEquals(Route.Enroll, app.navigator.current)
        assertEquals(SendStatus.Idle, app.scope.sender.status, "nothing was attempted")
    }

    @Test
    fun `one button sends everything with progress in items and bytes, refused records are listed and can go again`() =
        server().use { server ->
            TestApp.with { app ->
                enrolled(app, server)
                val survey = finishedSurvey(app, "Lò Thị Mai")
                val household = app.core.createHousehold(
                    HouseholdInput("Bản Dền", "", "Thào A Páo", listOf(MemberInput(null, "Thào Thị Dợ", Sex.FEMALE, 1988, "hmong", "vợ")), ""),
                ).uuid
                val good = closedGathering(app, Instant.now().minus(1, ChronoUnit.HOURS), app.cameraJpeg("evidence.jpg", 800, 600))
                val future = closedGathering(app, Instant.now().plus(2, ChronoUnit.DAYS))
                val before = app.core.outboxStatus()
                assertEquals(1uL, before.photosWaiting)

                val p = SendPresenter(app.scope)
                val seen = mutableListOf<SendState>()
                p.onChange = { seen += it }
                p.start()
                val firstSend = app.core.lastSync()!!
                assertEquals(lastSentText(firstSend), p.state.lastSent, "the enrolling send")
                val sendStarted = Instant.now()
                assertEquals(
                    "Đang chờ gửi: ${before.recordsWaiting} bản ghi, 1 ảnh (${formatBytes(before.photoBytesWaiting, UiLanguage.VI)})",
                    p.state.waiting,
                )
                p.send()

                val phases = seen.filter { it.sending }.mapNotNull { it.phase }.distinct()
                assertTrue("Đang gửi phiếu: 0/${before.recordsWaiting}" in phases, "records counted: $phases")
                assertTrue("Đang gửi ảnh: 1/1" in phases, "photos counted: $phases")
                val photoBytes = seen.filter { it.phase?.startsWith("Đang gửi ảnh") == true }.mapNotNull { it.bytes }
                val size = formatBytes(before.photoBytesWaiting, UiLanguage.VI)
                assertEquals("$size / $size", photoBytes.last(), "bytes of the photo: $photoBytes")
                assertEquals(100, seen.last { it.phase?.startsWith("Đang gửi ảnh") == true }.percent)
                assertTrue(seen.any { it.sending && it.percent != null && it.percent < 100 }, "the bar starts below full")

                with(p.state) {
                    assertFalse(sending)
                    assertEquals("Đã gửi ${before.recordsWaiting - 1uL} bản ghi và 1 ảnh.", result)
                    assertEquals("Máy chủ chưa nhận", refusedTitle)
                    assertEquals(listOf(future), refused.map { it.id })
                    assertEquals("Buổi sinh hoạt: the gathering closes before it starts", refused.single().text)
                    assertEquals("Không còn gì cần gửi.", waiting)
                }
                val lastSync = app.core.lastSync()!!
                assertTrue(lastSync >= sendStarted.truncatedTo(ChronoUnit.MILLIS) && lastSync <= Instant.now(), "this send: $lastSync")
                assertEquals(lastSentText(lastSync), p.state.lastSent)
                assertEquals(mapOf(survey to true), server.records("submissions"))
                assertEquals(mapOf(good to true), server.records("gatherings"), "with its photo")
                assertTrue(server.holds(household))
                assertFalse(server.holds(future))

                val home = HomePresenter(app.scope)
                home.refresh()
                assertEquals("Cần xem lại: 1", home.state.attention)
                assertEquals(lastSentText(lastSync), home.state.lastSent, "home says it too")

                val refused = p.state.refused.single()
                p.sendAgain(refused.id, refused.revision)
                assertEquals(emptyList<RefusedRow>(), p.state.refused)
                val again = app.core.outboxStatus().recordsWaiting
                assertTrue(again >= 1uL)
                assertEquals("Đang chờ gửi: $again bản ghi, 0 ảnh (0 B)", p.state.waiting)

                app.language(UiLanguage.EN)
                p.send()
                assertEquals("Sent ${again - 1uL} records and 0 photos.", p.state.result, "the server refuses it again")
                assertEquals("Gathering: the gathering closes before it starts", p.state.refused.single().text)
                p.stop()
            }
        }

    @Test
    fun `a survey the officer sent back shows on home with the comment, is corrected and sent again`() = server().use { server ->
        TestApp.with { app ->
            enrolled(app, server)
            val survey = finishedSurvey(app, "Lò Thị Mai")
            app.scope.sender.send()
            assertEquals("1/received", server.reviewState(survey))
            server.review(survey, "rejected", "Thiếu ngày sinh của cháu")

            val home = HomePresenter(app.scope)
            home.refresh()
            assertEquals(emptyList<ReturnedRow>(), home.state.returned, "not pulled yet")
            app.scope.sender.send()
            home.refresh()
            with(home.state) {
                assertEquals("Cán bộ Hội trả lại để sửa", returnedHeading)
                assertEquals("Sửa và gửi lại", correctAction)
                val row = returned.single()
                assertEquals(survey, row.id)
                assertEquals("Lò Thị Mai", row.title)
                assertTrue(row.detail.startsWith("Bị từ chối · "), row.detail)
                assertEquals("Ý kiến của cán bộ: Thiếu ngày sinh của cháu", row.comment)
            }

            home.correct(survey)
            assertEquals(Route.Survey(survey), app.navigator.current)
            home.refresh()
            assertEquals(emptyList<ReturnedRow>(), home.state.returned, "being corrected: a draft now")
            assertEquals(listOf(survey), home.state.drafts.map { it.id })
            app.core.resumeSurvey(survey).use {
                it.setAnswer("mother", Answer.Text("Lò Thị Mai Anh"))
                assertTrue(it.finalize() is FinalizeOutcome.Finalized)
            }
            app.scope.sender.send()
            assertEquals("2/received", server.reviewState(survey), "the correction arrived")
            server.review(survey, "approved", "")
            app.scope.sender.send()
            home.refresh()
            assertEquals(emptyList<ReturnedRow>(), home.state.returned)
        }
    }

    @Test
    fun `a gathering the server refused is opened from the send screen, corrected and sent again`() = server().use { server ->
        TestApp.with { app ->
            enrolled(app, server)
            val future = closedGathering(app, Instant.now().plus(2, ChronoUnit.DAYS))
            app.navigator.open(Route.Send)
            val p = SendPresenter(app.scope)
            p.start()
            p.send()
            val row = p.state.refused.single()
            assertEquals(Route.Gathering(future), row.opens)

            p.edit(row)
            assertEquals(Route.Gathering(future), app.navigator.current)
            val gathering = GatheringPresenter(app.scope, future)
            gathering.refresh()
            assertTrue(gathering.state.screen!!.canChange, "open again: its list and details can change")
            assertEquals(listOf(row.id), app.core.listGatherings(RecordState.DRAFT, 0u, 10u).map { it.uuid })

            gathering.editDetails()
            assertEquals(Route.GatheringEdit(future), app.navigator.current)
            val details = GatheringNewPresenter(app.scope, gatheringId = future)
            assertEquals("Nuôi con khỏe", details.state.form!!.topic, "the form shows what it was")
            val yesterday = LocalDate.now(ZoneOffset.ofHours(7)).minusDays(1)
            details.date(yesterday.year, yesterday.monthValue, yesterday.dayOfMonth)
            details.save()
            assertEquals(Route.Gathering(future), app.navigator.current, "back to the gathering")
            assertEquals(yesterday, app.core.gathering(future).details.startsAt.atOffset(ZoneOffset.ofHours(7)).toLocalDate())
            gathering.close()
            assertFalse(gathering.state.screen!!.canChange)

            p.refresh()
            assertEquals(emptyList<RefusedRow>(), p.state.refused, "no longer refused: it waits")
            p.send()
            assertEquals(emptyList<RefusedRow>(), p.state.refused)
            assertEquals(mapOf(future to true), server.records("gatherings"), "the corrected gathering is on the server")

            // A record that is no longer refused is not reopened: she is told, and stays where she is.
            p.edit(row)
            assertTrue(p.state.error != null, "nothing to reopen")
            assertEquals(Route.Gathering(future), app.navigator.current)
            assertEquals(RecordState.SENT, app.core.gathering(future).state)
        }
    }

    @Test
    fun `a survey the server refused is opened from the send screen as a draft with its answers`() = server().use { server ->
        TestApp.with { app ->
            enrolled(app, server)
            // A version of the form the server never published: it refuses the survey.
            app.core.importFormJson(formJson.replace("\"version\": \"2025-06\"", "\"version\": \"2099-01\""))
            val survey = app.core.startSurvey("child_register", "2099-01", null, null).use {
                it.setAnswer("mother", Answer.Text("Lò Thị Mai"))
                assertTrue(it.finalize() is FinalizeOutcome.Finalized)
                it.submissionId()
            }
            app.navigator.open(Route.Send)
            val p = SendPresenter(app.scope)
            p.start()
            p.send()
            val row = p.state.refused.single()
            assertEquals(survey, row.id)
            assertEquals(Route.Survey(survey), row.opens)

            p.edit(row)
            assertEquals(Route.Survey(survey), app.navigator.current)
            with(app.core.submission(survey)) { assertEquals(RecordState.DRAFT to 1u, state to revision) }
            app.core.resumeSurvey(survey).use { s ->
                assertEquals(Answer.Text("Lò Thị Mai"), s.screen().questions.single { it.name == "mother" }.value, "her answers are kept")
            }
            p.refresh()
            assertEquals(emptyList<RefusedRow>(), p.state.refused)
            assertEquals("Đang chờ gửi: 1 bản ghi, 0 ảnh (0 B)", p.state.waiting, "only the history entry of reopening it: the draft waits for her")
        }
    }

    @Test
    fun `a revoked phone is told plainly and keeps its data`() = server().use { server ->
        TestApp.with { app ->
            enrolled(app, server)
            finishedSurvey(app, "Lò Thị Mai")
            server.revoke(app.core.enrollment()!!.deviceId)
            val lastGood = app.core.lastSync()!!
            val p = SendPresenter(app.scope)
            p.start()
            p.send()
            assertTrue(p.state.revoked)
            assertEquals(lastGood, app.core.lastSync(), "a refused pass is not a send")
            assertEquals(lastSentText(lastGood), p.state.lastSent)
            assertEquals(app.scope.texts[TextKey.SEND_REVOKED], p.state.result)
            assertTrue(p.state.waiting.startsWith("Đang chờ gửi: "), p.state.waiting)
            assertEquals(emptyMap<String, Boolean>(), server.records("submissions"))
        }
    }

    /** Runs work on a thread of its own, like the phone's sending thread (no UI thread here: done and post run there too). */
    private class ThreadWorker : Worker {
        override fun <T> run(work: () -> T, done: (Result<T>) -> Unit) {
            Thread { done(runCatching(work)) }.apply { isDaemon = true }.start()
        }

        override fun post(action: () -> Unit) = action()
    }

    @Test
    fun `sending goes on in the background while she works, and Stop ends it keeping everything`() = server().use { server ->
        TestApp.with(sendWorker = ThreadWorker()) { app ->
            app.core.enrollWithQr(server.qr(), "test phone", CancelHandle())
            val quiet = object : SyncObserver {
                override fun onProgress(progress: SyncProgress) {}
            }
            assertEquals(1u, app.core.sync(quiet, CancelHandle()).formsReceived, "the form comes down first")
            finishedSurvey(app, "Lò Thị Mai")
            server.stop() // no network: the pass retries with backoff
            val p = SendPresenter(app.scope)
            p.start()
            // Listeners hear in the order they came: the screen's state is set before this one runs.
            val ended = CountDownLatch(1)
            app.scope.sender.listen { if (it is SendStatus.Failed) ended.countDown() }
            p.send()
            assertTrue(app.scope.sender.running)
            assertFalse(app.scope.sender.send(), "one pass at a time")

            // Meanwhile she registers a household: the core answers at once.
            val edit = HouseholdEditPresenter(app.scope, null)
            edit.load()
            edit.edit(HouseholdEdit.Village("Bản Dền"))
            edit.edit(HouseholdEdit.HeadName("Vàng A Chứ"))
            edit.save()
            assertNull(edit.state.form!!.error)
            assertTrue(app.navigator.current is Route.Household)
            assertTrue(app.scope.sender.running, "still sending")
            val waiting = app.core.outboxStatus().recordsWaiting
            assertTrue(waiting >= 2uL, "the survey and the household are queued: $waiting")

            p.stopSending()
            assertTrue(ended.await(20, TimeUnit.SECONDS), "Stop ends the pass")
            assertEquals("Đã dừng. Phần đã gửi vẫn được giữ.", p.state.result)
            assertFalse(p.state.sending)
            assertEquals(waiting, app.core.outboxStatus().recordsWaiting, "everything still waits, the household too")
        }
    }
}
