package org.branchbook.app

import android.app.Application
import android.content.Intent
import android.os.Build
import java.io.File
import org.branchbook.app.presenter.AppPreferences
import org.branchbook.app.presenter.AppScope
import org.branchbook.app.presenter.Navigator
import org.branchbook.app.presenter.SendStatus
import org.branchbook.app.presenter.Sender
import uniffi.branchbook.Branchbook
import uniffi.branchbook.core.AppRelease

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
        val core = Branchbook.open(File(filesDir, "data").path, key, preferences.deviceId, release())
        AppScope(core, preferences, Navigator(preferences), AndroidWorker("branchbook-core"), Sender(core, AndroidWorker("branchbook-send"))).also {
            it.sender.listen { status ->
                if (status is SendStatus.Running && status.progress == null) startForegroundService(Intent(this, SendService::class.java))
            }
        }
    }

    /** This build as its package says it (versionName and versionCode): the server's phone list shows it. */
    private fun release(): AppRelease {
        val info = packageManager.getPackageInfo(packageName, 0)
        val code = if (Build.VERSION.SDK_INT >= Build.VERSION_CODES.P) info.longVersionCode else @Suppress("DEPRECATION") info.versionCode.toLong()
        return AppRelease(info.versionName ?: "", code.toString())
    }
}
