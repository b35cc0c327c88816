package org.branchbook.bindings

import java.nio.file.Files
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import uniffi.branchbook.CancelHandle
import uniffi.branchbook.SyncClient
import uniffi.branchbook.SyncException
import uniffi.branchbook.SyncObserver
import uniffi.branchbook.SyncProgress

/** The sync client as the apps see it: typed errors, a cancel handle, a Kotlin observer. */
class SyncClientTest {
    private fun client(): SyncClient =
        SyncClient.open(Files.createTempDirectory("sync").resolve("phone.db").toString(), null)

    private class Seen : SyncObserver {
        val reports = mutableListOf<SyncProgress>()
        override fun onProgress(progress: SyncProgress) {
            reports.add(progress)
        }
    }

    @Test
    fun `a phone that is not enrolled is told to enroll first`() {
        client().use { sync ->
            assertFalse(sync.isEnrolled())
            val seen = Seen()
            assertThrows<SyncException.NotEnrolled> { sync.sync(seen, CancelHandle()) }
            assertTrue(seen.reports.isEmpty())
            assertTrue(sync.issues().isEmpty())
        }
    }

    @Test
    fun `bad enrollment input is a typed error, never a crash`() {
        client().use { sync ->
            assertThrows<SyncException.BadEnrollmentQr> { sync.enrollWithQr("not a QR payload", "phone", CancelHandle()) }
            val clear = assertThrows<SyncException.BadServerUrl> {
                sync.enrollWithCode("http://sync.example.vn", "ABCD-1234", "phone", CancelHandle())
            }
            assertTrue(clear.message.contains("https"))
        }
    }

    @Test
    fun `a cancelled enrollment stops before sending anything`() {
        client().use { sync ->
            val cancel = CancelHandle()
            cancel.cancel()
            assertTrue(cancel.isCancelled())
            assertThrows<SyncException.Cancelled> { sync.enrollWithCode("http://127.0.0.1:9", "ABCD-1234", "phone", cancel) }
            assertFalse(sync.isEnrolled())
        }
    }
}
