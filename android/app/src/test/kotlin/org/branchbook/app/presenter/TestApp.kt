package org.branchbook.app.presenter

import java.awt.image.BufferedImage
import java.io.File
import java.nio.file.Files
import javax.imageio.ImageIO
import uniffi.branchbook.Branchbook
import uniffi.branchbook.FormFileBytes
import uniffi.branchbook.core.AppRelease
import uniffi.branchbook.core.UiLanguage

/**
 * The app as the presenters see it, on a fresh temporary folder: the real core opened
 * there, real preferences, a navigator, and the [Worker.Inline] worker (each event's core
 * call and its answer happen before the event method returns; so does a send, unless
 * the test gives the sender a worker of its own). [notices] collects the toasts.
 */
class TestApp private constructor(val dir: File, val core: Branchbook, private val sendWorker: Worker = Worker.Inline) : AutoCloseable {
    /** The app's preferences file in [dir]. */
    val preferences = AppPreferences(File(dir, "preferences.properties"))

    /** The screens. */
    val navigator = Navigator(preferences)

    /** What presenters get. */
    val scope = AppScope(core, preferences, navigator, Worker.Inline, Sender(core, sendWorker))

    /** Every notice shown, in order. */
    val notices = mutableListOf<String>()

    init {
        scope.onNotice = { notices += it }
    }

    /** The example household survey, imported from its .xlsx; returns its form id. */
    fun importHouseholdSurvey(): String = core.importFormXlsx(File(repo, "core/forms/household_survey.xlsx").readBytes()).formId

    /** A small form with a repeat she grows herself (children of a mother), from canonical JSON. */
    fun importChildRegister(): String = core.importFormJson(File(repo, "core/tests/data/child_register.json").readText()).formId

    /**
     * A form whose first question shows a picture (opening full size) and a picture on each
     * choice, and whose note has a recording, imported with its files as a form copied onto
     * the phone is; returns its form id.
     */
    fun importWaterSource(): String {
        val folder = File(repo, "core/tests/data/water_source")
        val files = listOf("water.png", "question.wav", "tap.png", "well.png", "stream.png").map { FormFileBytes(it, File(folder, it).readBytes()) }
        return core.importFormJsonWithFiles(File(repo, "core/tests/data/water_source.json").readText(), files).formId
    }

    /** Switches the app language as the settings screen does. */
    fun language(language: UiLanguage) {
        preferences.uiLanguage = language
    }

    /** Writes a JPEG where the phone's camera would, and returns it. */
    fun cameraJpeg(name: String, width: Int = 64, height: Int = 48): File {
        val img = BufferedImage(width, height, BufferedImage.TYPE_INT_RGB)
        for (x in 0 until width) for (y in 0 until height) img.setRGB(x, y, (x * 3 shl 16) or (y * 5 shl 8) or 0x40)
        val file = File(dir, name)
        check(ImageIO.write(img, "jpg", file)) { "no JPEG writer in this JVM" }
        return file
    }

    /** The same data folder opened again, as after the phone killed the app. */
    fun restarted(): TestApp {
        core.close()
        return TestApp(dir, Branchbook.open(dir.path, null, preferences.deviceId, RELEASE))
    }

    override fun close() {
        core.close()
    }

    companion object {
        /** The app build the test phone reports, as its package would (versionName, versionCode). */
        val RELEASE = AppRelease("1.4.2", "57")

        /** The repository root: tests/jvm.sh runs from it, Gradle from android/app. */
        val repo: File = generateSequence(File(".").absoluteFile.normalize()) { it.parentFile }
            .first { File(it, "core/forms/household_survey.xlsx").isFile }

        /**
         * Runs [body] with a new app on a fresh folder ([account] set as enrollment would;
         * sends on [sendWorker]), deleting it after.
         */
        fun <T> with(account: String? = "lo.thi.mai", sendWorker: Worker = Worker.Inline, body: (TestApp) -> T): T {
            val dir = Files.createTempDirectory("branchbook-app").toFile()
            var app: TestApp? = null
            try {
                val opened = TestApp(dir, Branchbook.open(dir.path, null, "test-phone", RELEASE), sendWorker)
                app = opened
                account?.let(opened.core::setAccount)
                return body(opened)
            } finally {
                runCatching { app?.close() }
                dir.deleteRecursively()
            }
        }
    }
}
