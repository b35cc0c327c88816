package org.branchbook.app.screens

import java.io.File
import java.util.concurrent.CountDownLatch
import java.util.concurrent.LinkedBlockingQueue
import java.util.concurrent.TimeUnit
import kotlin.concurrent.thread
import org.branchbook.app.presenter.TestApp
import org.branchbook.app.presenter.Worker
import org.branchbook.app.screen.SendScreen
import org.branchbook.testing.SyncServer
import uniffi.branchbook.core.Answer
import uniffi.branchbook.core.CancelHandle
import uniffi.branchbook.core.SyncObserver
import uniffi.branchbook.core.SyncProgress
import uniffi.branchbook.core.TextKey
import uniffi.branchbook.core.UiLanguage

/**
 * The sending thread of the screens' app: a pass runs on a thread of its own, as on the
 * phone, and each step it reports waits until the renderer's thread (the UI thread here)
 * has taken it in [pump]. So a shot catches a real transfer in the middle, held at the
 * step that is drawn, and the screen only ever changes on the thread that draws it.
 */
class Relay : Worker {
    private val steps = LinkedBlockingQueue<() -> Unit>()

    override fun <T> run(work: () -> T, done: (Result<T>) -> Unit) {
        thread(isDaemon = true, name = "screens-send") {
            val result = runCatching(work)
            steps.put { done(result) }
        }
    }

    override fun post(action: () -> Unit) {
        val taken = CountDownLatch(1)
        steps.put {
            try {
                action()
            } finally {
                taken.countDown()
            }
        }
        taken.await()
    }

    /** Takes the steps the pass hands over, on this thread, until [until] holds; fails when the pass is silent for a minute. */
    fun pump(until: () -> Boolean) {
        while (!until()) {
            val step = steps.poll(60, TimeUnit.SECONDS) ?: error("the send reported nothing for 60 s")
            step()
        }
    }
}

/** The sync observer of a pass whose steps nobody watches (the send done while enrolling). */
val quietly = object : SyncObserver {
    override fun onProgress(progress: SyncProgress) {}
}

/** A test server with the branch Bản Dền and the child register published, as every send scene uses. */
fun childRegisterServer(): SyncServer = SyncServer.start(form = File(TestApp.repo, "core/tests/data/child_register.json"), branch = "Bản Dền")

/** Enrolls [app] with [server] and takes the first pass (the forms), as enrolling does on the phone. */
fun enrolled(app: TestApp, server: SyncServer) {
    app.core.enrollWithQr(server.qr(), "Điện thoại của Mai", CancelHandle())
    app.core.sync(quietly, CancelHandle())
}

/** A finished child register of mother [mother], waiting to be sent. */
fun finishedRegister(app: TestApp, mother: String) = app.core.startSurvey("child_register", null, null, null).use {
    it.setAnswer("mother", Answer.Text(mother))
    it.finalize()
}

/**
 * The send screen after a pass that found no network, in [language]: a phone enrolled
 * with a real server that then stopped, one survey waiting, and a real pass that tries
 * the closed port with the phone's own backoff until it gives up with "no connection".
 * That takes minutes (12 attempts, waits doubling from 0.5 s to a minute), so the pass
 * starts at once on its own thread and the screen is drawn last ([shoot]), when the
 * other screens have been drawn meanwhile.
 */
class NoNetwork(private val language: UiLanguage) {
    private val ready = CountDownLatch(1)
    private val drawn = CountDownLatch(1)
    private val started = System.nanoTime()
    private var app: TestApp? = null
    private var failure: Throwable? = null
    private var seconds = 0.0

    private val pass = thread(isDaemon = true, name = "no-network-$language") {
        try {
            childRegisterServer().use { server ->
                TestApp.with { phone ->
                    phone.language(language)
                    enrolled(phone, server)
                    finishedRegister(phone, "Lò Thị Mai")
                    server.stop()
                    // The sender's own worker runs the pass on this thread, to its end.
                    phone.scope.sender.send()
                    seconds = (System.nanoTime() - started) / 1e9
                    app = phone
                    ready.countDown()
                    drawn.await()
                }
            }
        } catch (e: Throwable) {
            failure = e
        } finally {
            ready.countDown()
        }
    }

    /** Waits for the pass to give up, then draws the send screen as she finds it. */
    fun shoot(camera: Camera) {
        ready.await()
        try {
            val phone = app ?: throw IllegalStateException("the no-network scene failed", failure)
            println("   the pass without network gave up after %.0f s".format(seconds))
            camera.shoot(phone, "send", "no-network", expect = { listOf(it[TextKey.SEND_NO_NETWORK], it[TextKey.SEND_BUTTON]) }) { ui, _ -> SendScreen(ui, phone.scope) }
        } finally {
            drawn.countDown()
            pass.join()
        }
    }
}
