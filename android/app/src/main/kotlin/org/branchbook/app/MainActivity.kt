package org.branchbook.app

import android.Manifest
import android.app.Activity
import android.app.AlertDialog
import android.app.DatePickerDialog
import android.app.TimePickerDialog
import android.content.Intent
import android.content.pm.PackageManager
import android.location.Location
import android.location.LocationListener
import android.location.LocationManager
import android.os.Build
import android.os.Bundle
import android.os.Handler
import android.os.Looper
import android.provider.MediaStore
import android.widget.Toast
import java.io.File
import java.time.Instant
import org.branchbook.app.presenter.AppScope
import org.branchbook.app.presenter.Route
import org.branchbook.app.screen.EnrollScreen
import org.branchbook.app.screen.FormPickerScreen
import org.branchbook.app.screen.GatheringNewScreen
import org.branchbook.app.screen.GatheringScreen
import org.branchbook.app.screen.GatheringsScreen
import org.branchbook.app.screen.HomeScreen
import org.branchbook.app.screen.Host
import org.branchbook.app.screen.HouseholdEditScreen
import org.branchbook.app.screen.HouseholdScreen
import org.branchbook.app.screen.HouseholdsScreen
import org.branchbook.app.screen.Screen
import org.branchbook.app.screen.SendScreen
import org.branchbook.app.screen.SettingsScreen
import org.branchbook.app.screen.SurveyScreen
import org.branchbook.app.screen.Ui
import uniffi.branchbook.core.AuditLocationRequest
import uniffi.branchbook.core.LocationPriority
import uniffi.branchbook.core.TextKey

/**
 * The app's one Activity: it shows the screen on top of the [org.branchbook.app.presenter.Navigator]'s
 * stack (the same one after the phone killed the app), maps Back to it, and serves the
 * screens' platform needs ([Host]): camera, QR scanner, position, pickers, dialogs.
 */
class MainActivity : Activity(), Host {
    private lateinit var scope: AppScope
    private lateinit var ui: Ui
    private var screen: Screen? = null
    private var onPhoto: ((File?) -> Unit)? = null
    private var photoFile: File? = null
    private var onRecord: ((File?) -> Unit)? = null
    private var recordFile: File? = null
    private var onScan: ((String) -> Unit)? = null
    private var onScanDenied: (() -> Unit)? = null
    private var afterPermission: ((Boolean) -> Unit)? = null

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        scope = (application as BranchbookApp).scope
        ui = Ui(this)
        scope.onNotice = ::toast
        scope.navigator.onChange = { show() }
        if (Build.VERSION.SDK_INT >= 33) requestPermissions(arrayOf("android.permission.POST_NOTIFICATIONS"), PERMISSION_NOTIFY)
    }

    override fun onStart() {
        super.onStart()
        show()
    }

    override fun onStop() {
        screen?.stop()
        screen = null
        super.onStop()
    }

    @Deprecated("The platform's Back for API 26-32; still called on later versions.")
    override fun onBackPressed() {
        if (!scope.navigator.back()) {
            @Suppress("DEPRECATION")
            super.onBackPressed()
        }
    }

    /** Replaces the shown screen with the one for the navigator's top route. */
    private fun show() {
        screen?.stop()
        val next = screenFor(scope.navigator.current)
        screen = next
        title = scope.texts[TextKey.APP_NAME]
        setContentView(next.view)
        next.start()
    }

    private fun screenFor(route: Route): Screen = when (route) {
        Route.Enroll -> EnrollScreen(ui, scope, Build.MANUFACTURER + " " + Build.MODEL, this)
        Route.Home -> HomeScreen(ui, scope)
        Route.Households -> HouseholdsScreen(ui, scope)
        is Route.Household -> HouseholdScreen(ui, scope, route.householdId, this)
        is Route.HouseholdEdit -> HouseholdEditScreen(ui, scope, route.householdId)
        is Route.FormPicker -> FormPickerScreen(ui, scope, route.householdId)
        is Route.Survey -> SurveyScreen(ui, scope, route.submissionId, this)
        Route.Gatherings -> GatheringsScreen(ui, scope)
        Route.GatheringNew -> GatheringNewScreen(ui, scope, null, this)
        is Route.GatheringEdit -> GatheringNewScreen(ui, scope, route.gatheringId, this)
        is Route.Gathering -> GatheringScreen(ui, scope, route.gatheringId, this)
        Route.Send -> SendScreen(ui, scope)
        Route.Settings -> SettingsScreen(ui, scope) { show() }
    }

    override fun takePhoto(done: (File?) -> Unit) = withPermission(Manifest.permission.CAMERA) { granted ->
        if (!granted) return@withPermission toast(scope.texts[TextKey.ENROLL_CAMERA_DENIED])
        val file = File(PhotoProvider.folder(this), "photo-${System.currentTimeMillis()}.jpg")
        val intent = Intent(MediaStore.ACTION_IMAGE_CAPTURE)
            .putExtra(MediaStore.EXTRA_OUTPUT, PhotoProvider.uriOf(file))
            .addFlags(Intent.FLAG_GRANT_WRITE_URI_PERMISSION or Intent.FLAG_GRANT_READ_URI_PERMISSION)
        onPhoto = done
        photoFile = file
        startActivityForResult(intent, REQUEST_PHOTO)
    }

    override fun record(video: Boolean, done: (File?) -> Unit) = withPermission(Manifest.permission.CAMERA) { granted ->
        if (video && !granted) return@withPermission toast(scope.texts[TextKey.ENROLL_CAMERA_DENIED])
        val file = File(PhotoProvider.folder(this), "recording-${System.currentTimeMillis()}")
        // The camera writes a video where asked; a recorder app answers with its own Uri, copied below.
        val intent = if (video) Intent(MediaStore.ACTION_VIDEO_CAPTURE)
            .putExtra(MediaStore.EXTRA_OUTPUT, PhotoProvider.uriOf(file))
            .addFlags(Intent.FLAG_GRANT_WRITE_URI_PERMISSION or Intent.FLAG_GRANT_READ_URI_PERMISSION)
        else Intent(MediaStore.Audio.Media.RECORD_SOUND_ACTION)
        if (intent.resolveActivity(packageManager) == null) return@withPermission done(null)
        onRecord = done
        recordFile = file
        startActivityForResult(intent, REQUEST_RECORDING)
    }

    override fun scanQr(done: (String) -> Unit, denied: () -> Unit) {
        onScan = done
        onScanDenied = denied
        // A scanner app when one is installed (ZXing's intent), else the built-in one.
        val app = Intent(SCAN_ACTION).putExtra("SCAN_MODE", "QR_CODE_MODE")
        if (app.resolveActivity(packageManager) != null) startActivityForResult(app, REQUEST_SCAN_APP)
        else startActivityForResult(Intent(this, ScanActivity::class.java), REQUEST_SCAN)
    }

    @Suppress("MissingPermission")
    override fun locate(done: (DoubleArray?) -> Unit) = withPermission(Manifest.permission.ACCESS_FINE_LOCATION) { granted ->
        if (!granted) return@withPermission done(null)
        val manager = getSystemService(LocationManager::class.java) ?: return@withPermission done(null)
        val main = Handler(Looper.getMainLooper())
        var best: Location? = null
        lateinit var listener: LocationListener
        val finish = Runnable {
            manager.removeUpdates(listener)
            done(best?.let { doubleArrayOf(it.latitude, it.longitude, if (it.hasAltitude()) it.altitude else Double.NaN, if (it.hasAccuracy()) it.accuracy.toDouble() else Double.NaN) })
        }
        listener = LocationListener { fix ->
            if (best == null || fix.accuracy < best!!.accuracy) best = fix
            // Good enough for a house: stop early.
            if (fix.hasAccuracy() && fix.accuracy <= GOOD_ACCURACY_M) {
                main.removeCallbacks(finish)
                finish.run()
            }
        }
        toast(scope.texts[TextKey.COMMON_LOADING])
        manager.requestLocationUpdates(LocationManager.GPS_PROVIDER, 1000L, 0f, listener, Looper.getMainLooper())
        main.postDelayed(finish, LOCATE_MS)
    }

    override fun track(request: AuditLocationRequest, fix: (Double, Double, Double, Instant) -> Unit): AutoCloseable {
        val manager = getSystemService(LocationManager::class.java)
        val listener = LocationListener { l ->
            if (l.hasAccuracy()) fix(l.latitude, l.longitude, l.accuracy.toDouble(), Instant.ofEpochMilli(l.time))
        }
        var closed = false
        withPermission(Manifest.permission.ACCESS_FINE_LOCATION) { granted ->
            if (!granted || closed || manager == null) return@withPermission
            // The priority as Android's providers give it: satellites for high accuracy, the network's guess for
            // balanced and low power (satellites when the phone has no network provider), others' fixes for no power.
            val provider = when (request.priority) {
                LocationPriority.HIGH_ACCURACY -> LocationManager.GPS_PROVIDER
                LocationPriority.BALANCED, LocationPriority.LOW_POWER ->
                    if (manager.isProviderEnabled(LocationManager.NETWORK_PROVIDER)) LocationManager.NETWORK_PROVIDER else LocationManager.GPS_PROVIDER
                LocationPriority.NO_POWER -> LocationManager.PASSIVE_PROVIDER
            }
            val intervalMs = (request.minIntervalSeconds * 1000).toLong().coerceAtLeast(1000L)
            manager.requestLocationUpdates(provider, intervalMs, 0f, listener, Looper.getMainLooper())
        }
        return AutoCloseable {
            closed = true
            manager?.removeUpdates(listener)
        }
    }

    override fun confirm(question: String, yes: () -> Unit) {
        AlertDialog.Builder(this)
            .setMessage(question)
            .setPositiveButton(scope.texts[TextKey.ACTION_YES]) { _, _ -> yes() }
            .setNegativeButton(scope.texts[TextKey.ACTION_NO], null)
            .show()
    }

    override fun pickDate(year: Int, month: Int, day: Int, done: (Int, Int, Int) -> Unit) {
        DatePickerDialog(this, { _, y, m, d -> done(y, m + 1, d) }, year, month - 1, day).show()
    }

    override fun pickTime(hour: Int, minute: Int, done: (Int, Int) -> Unit) {
        TimePickerDialog(this, { _, h, m -> done(h, m) }, hour, minute, true).show()
    }

    override fun toast(text: String) {
        Toast.makeText(this, text, Toast.LENGTH_LONG).show()
    }

    private fun withPermission(permission: String, then: (Boolean) -> Unit) {
        if (checkSelfPermission(permission) == PackageManager.PERMISSION_GRANTED) return then(true)
        afterPermission = then
        requestPermissions(arrayOf(permission), PERMISSION_ASK)
    }

    override fun onRequestPermissionsResult(requestCode: Int, permissions: Array<out String>, grantResults: IntArray) {
        super.onRequestPermissionsResult(requestCode, permissions, grantResults)
        if (requestCode != PERMISSION_ASK) return
        val then = afterPermission ?: return
        afterPermission = null
        then(grantResults.firstOrNull() == PackageManager.PERMISSION_GRANTED)
    }

    @Deprecated("Activity results through the platform API (no AndroidX).")
    override fun onActivityResult(requestCode: Int, resultCode: Int, data: Intent?) {
        @Suppress("DEPRECATION")
        super.onActivityResult(requestCode, resultCode, data)
        when (requestCode) {
            REQUEST_PHOTO -> {
                val file = photoFile?.takeIf { resultCode == RESULT_OK && it.length() > 0 }
                if (file == null) photoFile?.delete()
                onPhoto?.invoke(file)
                onPhoto = null
                photoFile = null
            }
            REQUEST_RECORDING -> {
                val file = recordFile
                val uri = data?.data
                if (file != null && resultCode == RESULT_OK && file.length() == 0L && uri != null) {
                    // Copied a buffer at a time: a long video never sits in memory.
                    runCatching { contentResolver.openInputStream(uri)?.use { input -> file.outputStream().use { input.copyTo(it) } } }
                }
                val recorded = file?.takeIf { resultCode == RESULT_OK && it.length() > 0 }
                if (recorded == null) file?.delete()
                onRecord?.invoke(recorded)
                onRecord = null
                recordFile = null
            }
            REQUEST_SCAN_APP, REQUEST_SCAN -> {
                val key = if (requestCode == REQUEST_SCAN_APP) "SCAN_RESULT" else ScanActivity.EXTRA_TEXT
                val text = data?.getStringExtra(key)
                when {
                    resultCode == RESULT_OK && text != null -> onScan?.invoke(text)
                    data?.getBooleanExtra(ScanActivity.EXTRA_DENIED, false) == true -> onScanDenied?.invoke()
                }
                onScan = null
                onScanDenied = null
            }
        }
    }

    private companion object {
        const val REQUEST_PHOTO = 1
        const val REQUEST_SCAN_APP = 2
        const val REQUEST_SCAN = 3
        const val REQUEST_RECORDING = 4
        const val PERMISSION_ASK = 10
        const val PERMISSION_NOTIFY = 11
        const val SCAN_ACTION = "com.google.zxing.client.android.SCAN"
        const val GOOD_ACCURACY_M = 15f
        const val LOCATE_MS = 60_000L
    }
}
