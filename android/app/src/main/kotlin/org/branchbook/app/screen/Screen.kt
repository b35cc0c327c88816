package org.branchbook.app.screen

import android.view.View
import java.io.File
import java.time.Instant
import uniffi.branchbook.core.AuditLocationRequest

/**
 * One screen of the app: the Views it built and when it is shown. Screens draw their
 * presenter's state and forward taps to it; they decide nothing.
 */
interface Screen {
    /** The screen's root View. */
    val view: View

    /** The screen is shown: read the data, start listening. */
    fun start() {}

    /** The screen goes away: stop listening, let go of what it holds. */
    fun stop() {}
}

/**
 * What screens ask of the Activity: the platform's camera, scanner, position and
 * dialogs, whose answers come back through the Activity.
 */
interface Host {
    /** Takes a photo with the camera app; [done] gets the file it wrote (null when she cancelled). */
    fun takePhoto(done: (File?) -> Unit)

    /**
     * Records sound with the phone's recorder app (RECORD_SOUND_ACTION) or, when [video],
     * a video with the camera (ACTION_VIDEO_CAPTURE); [done] gets a file holding the
     * recording (null when she cancelled).
     */
    fun record(video: Boolean, done: (File?) -> Unit)

    /** Reads a QR code (a scanner app when one is installed, else the built-in camera scanner); [done] gets its text. */
    fun scanQr(done: (String) -> Unit, denied: () -> Unit)

    /** Finds the phone's position; [done] gets latitude, longitude, altitude and accuracy (null when none could be had). */
    fun locate(done: (DoubleArray?) -> Unit)

    /**
     * Follows the phone's position as [request] asks (priority, interval) until the returned handle is closed;
     * [fix] gets latitude, longitude, accuracy in metres and when the phone took it. Without permission nothing comes.
     */
    fun track(request: AuditLocationRequest, fix: (Double, Double, Double, Instant) -> Unit): AutoCloseable

    /** Asks [question]; [yes] runs when she agrees. */
    fun confirm(question: String, yes: () -> Unit)

    /** A date picker starting at [year]/[month] (1-12)/[day]. */
    fun pickDate(year: Int, month: Int, day: Int, done: (Int, Int, Int) -> Unit)

    /** A time picker starting at [hour]:[minute]. */
    fun pickTime(hour: Int, minute: Int, done: (Int, Int) -> Unit)

    /** Shows a short message. */
    fun toast(text: String)
}
