package org.branchbook.app

import android.app.Notification
import android.app.NotificationChannel
import android.app.NotificationManager
import android.app.PendingIntent
import android.app.Service
import android.content.Intent
import android.content.pm.ServiceInfo
import android.os.Build
import android.os.IBinder
import org.branchbook.app.presenter.SendStatus
import uniffi.branchbook.core.TextKey

/**
 * Keeps the app alive while a send runs in the background (she may switch to another
 * app or turn the screen off at the commune office), with a notification showing the
 * progress; it stops itself when the pass ends. The sending itself is the [Sender]'s.
 */
class SendService : Service() {
    private var unlisten: (() -> Unit)? = null

    override fun onBind(intent: Intent?): IBinder? = null

    override fun onStartCommand(intent: Intent?, flags: Int, startId: Int): Int {
        val scope = (application as BranchbookApp).scope
        val manager = getSystemService(NotificationManager::class.java) ?: run {
            stopSelf()
            return START_NOT_STICKY
        }
        val title = scope.texts[TextKey.SEND_TITLE]
        manager.createNotificationChannel(NotificationChannel(CHANNEL, title, NotificationManager.IMPORTANCE_LOW))
        val first = notification(title, scope.texts[TextKey.SEND_PHASE_FORMS], 0, 0)
        if (Build.VERSION.SDK_INT >= 29) startForeground(ID, first, ServiceInfo.FOREGROUND_SERVICE_TYPE_DATA_SYNC)
        else startForeground(ID, first)
        if (unlisten == null) {
            unlisten = scope.sender.listen { status ->
                when (status) {
                    is SendStatus.Running -> {
                        val p = status.progress
                        val total = p?.itemsTotal?.toInt() ?: 0
                        manager.notify(ID, notification(title, p?.currentItem ?: scope.texts[TextKey.SEND_IN_BACKGROUND], p?.itemsDone?.toInt() ?: 0, total))
                    }
                    else -> stopSelf()
                }
            }
        }
        if (!scope.sender.running) stopSelf()
        return START_NOT_STICKY
    }

    override fun onDestroy() {
        unlisten?.invoke()
        unlisten = null
        super.onDestroy()
    }

    private fun notification(title: String, text: String, done: Int, total: Int): Notification {
        val open = PendingIntent.getActivity(this, 0, Intent(this, MainActivity::class.java), PendingIntent.FLAG_IMMUTABLE)
        return Notification.Builder(this, CHANNEL)
            .setSmallIcon(android.R.drawable.stat_sys_upload)
            .setContentTitle(title)
            .setContentText(text)
            .setContentIntent(open)
            .setOngoing(true)
            .setProgress(total, done, total == 0)
            .build()
    }

    private companion object {
        const val CHANNEL = "send"
        const val ID = 1
    }
}
