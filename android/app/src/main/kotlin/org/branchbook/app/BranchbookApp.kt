package org.branchbook.app

import android.app.Application
import android.content.Intent
import java.io.File
import org.branchbook.app.presenter.AppPreferences
import org.branchbook.app.presenter.AppScope
import org.branchbook.app.presenter.Navigator
import org.branchbook.app.presenter.SendStatus
import org.branchbook.app.presenter.Sender
import uniffi.branchbook.Branchbook

/**
 * The app process: it opens the core once (encrypted with the phone's key) and holds
 * the [AppScope], so the open screens and a running send outlive the Activity being
 * recreated (a rotation, a language change). While a send runs, [SendService] keeps the
 * process alive with a notification.
 */
class BranchbookApp : Application() {
    /** What the screens work with; made on first use (opening the data takes a moment). */
    val scope: AppScope by lazy {
        val preferences = AppPreferences(File(filesDir, "preferences.properties"))
        val key = DatabaseKey(File(filesDir, "data.key")).get()
        val core = Branchbook.open(File(filesDir, "data").path, key, preferences.deviceId)
        AppScope(core, preferences, Navigator(preferences), AndroidWorker("branchbook-core"), Sender(core, AndroidWorker("branchbook-send"))).also {
            it.sender.listen { status ->
                if (status is SendStatus.Running && status.progress == null) startForegroundService(Intent(this, SendService::class.java))
            }
        }
    }
}
