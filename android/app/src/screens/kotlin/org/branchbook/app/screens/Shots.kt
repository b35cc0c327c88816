package org.branchbook.app.screens

import android.view.View
import android.widget.EditText
import android.widget.TextView
import java.io.File
import org.branchbook.app.presenter.TestApp
import org.branchbook.app.presenter.Texts
import org.branchbook.app.screen.Host
import org.branchbook.app.screen.Screen
import org.branchbook.app.screen.Ui

/** One drawn screen: where its PNG is, what it shows, and what the checks found. */
data class Shot(val screen: String, val state: String, val language: String, val phone: String, val file: String, val problems: List<String>)

/**
 * The platform's side of the screens on the JVM: no camera (the QR scanner answers that
 * the camera was refused, as after she said no), no dialogs; a position fix is a fixed
 * one in Y Tý commune, and the pickers answer as she would pick 12 June 2025, 08:30.
 * Toasts are kept.
 */
class QuietHost : Host {
    /** Messages the screens showed as toasts, in order. */
    val toasts = mutableListOf<String>()

    override fun takePhoto(done: (java.io.File?) -> Unit) {}
    override fun record(video: Boolean, done: (java.io.File?) -> Unit) {}
    override fun scanQr(done: (String) -> Unit, denied: () -> Unit) = denied()
    override fun locate(done: (DoubleArray?) -> Unit) = done(doubleArrayOf(22.6213, 103.6156, 1900.0, 6.4))
    override fun track(request: uniffi.branchbook.core.AuditLocationRequest, fix: (Double, Double, Double, java.time.Instant) -> Unit) = AutoCloseable {}
    override fun confirm(question: String, yes: () -> Unit) {}
    override fun pickDate(year: Int, month: Int, day: Int, done: (Int, Int, Int) -> Unit) = done(2025, 6, 12)
    override fun pickTime(hour: Int, minute: Int, done: (Int, Int) -> Unit) = done(8, 30)
    override fun toast(text: String) {
        toasts += text
    }
}

/**
 * Takes the shots: builds a screen's real View class over the app's real presenters and
 * core, starts it (it reads its data), lets the scene tap and type as she would, draws it
 * and checks it. PNGs go to [out]/<language>/<phone>/<screen>-<state>.png.
 */
class Camera(private val studio: Studio, private val out: File) {
    /** Every shot taken, in order. */
    val shots = mutableListOf<Shot>()

    /**
     * Shoots [screen] in [state] for [app]'s language: [make] builds it, [act] taps and types
     * on its root View once it has started, [expect] lists texts it must show.
     */
    fun shoot(
        app: TestApp,
        screen: String,
        state: String,
        expect: (Texts) -> List<String> = { emptyList() },
        act: (View) -> Unit = {},
        make: (Ui, Host) -> Screen,
    ) = film(app, screen, make) {
        act(root)
        shot(state, expect)
    }

    /**
     * Starts the screen [make] builds and lets [scenes] tap, type and take several shots of
     * it ([Film.shot]); [labels] names the shots' language column when the form's labels are
     * in another language than the app's ("hmn").
     */
    fun film(app: TestApp, screen: String, make: (Ui, Host) -> Screen, labels: String? = null, scenes: Film.() -> Unit) {
        val host = QuietHost()
        val shown = make(Ui(studio.context), host)
        val film = Film(app, screen, shown.view, host, labels)
        try {
            shown.start()
            film.scenes()
        } catch (e: Throwable) {
            record(film.name("broken"), listOf("failed to draw: $e"))
            e.printStackTrace()
        } finally {
            shown.stop()
        }
    }

    /** One started screen being filmed. */
    inner class Film(
        private val app: TestApp,
        private val screen: String,
        /** The screen's root View. */
        val root: View,
        /** What it asked the platform. */
        val host: QuietHost,
        private val labels: String?,
    ) {
        /** The texts of the app's language. */
        val texts: Texts get() = app.scope.texts

        /** What she can touch now: the window of the dialog open over the screen, else the screen. */
        val top: View get() = dialogWindow() ?: root

        internal fun name(state: String) = Shot(screen, state, labels ?: app.preferences.uiLanguage.name.lowercase(), studio.current.name, "", emptyList())

        /** Draws the screen as it is now, as [state], and checks it ([expect]: texts it must show). */
        fun shot(state: String, expect: (Texts) -> List<String> = { emptyList() }) {
            val shot = name(state)
            val file = "${shot.language}/${shot.phone}/$screen-$state.png"
            val problems = try {
                val image = studio.shoot(root)
                writePng(image, File(out, file))
                Checks(top, image, studio.context.resources.displayMetrics.density).problems(expect(texts))
            } catch (e: Throwable) {
                listOf("failed to draw: $e")
            }
            record(shot.copy(file = file), problems)
        }
    }

    /**
     * The window an open dialog added: layoutlib's window manager lays dialogs over the
     * screen in the same frame, in one window of its own (null when none is open).
     */
    private fun dialogWindow(): View? =
        (studio.context.getSystemService(android.content.Context.WINDOW_SERVICE) as? android.view.WindowManagerImpl)?.currentRootView?.takeIf { it.childCount > 0 }

    private var last = System.nanoTime()

    private fun record(shot: Shot, problems: List<String>) {
        shots += shot.copy(problems = problems)
        val now = System.nanoTime()
        val took = "%.1fs".format((now - last) / 1e9)
        last = now
        println("   ${shot.language}/${shot.phone}/${shot.screen}-${shot.state} ($took): " + if (problems.isEmpty()) "ok" else "${problems.size} problem(s)")
        problems.forEach { println("      $it") }
    }
}

/** The visible, tappable View that shows [label], if any. */
fun tappable(root: View, label: String): View? =
    descendants(root).firstOrNull { it is TextView && it.isClickable && shown(it, root) && it.text.toString() == label }

/** Taps the visible, tappable View that shows [label]. */
fun tap(root: View, label: String) {
    val target = tappable(root, label) ?: error("nothing to tap labelled \"$label\"")
    check(target.performClick()) { "\"$label\" did not take the tap" }
}

/** The texts of the visible TextViews under [root], top to bottom: what a page shows. */
fun textsOn(root: View): List<String> = descendants(root).filterIsInstance<TextView>().filter { shown(it, root) }.map { it.text.toString() }.toList()

/** Taps the row of the list (a dialog's) under [root] whose text contains [label]. */
fun pick(root: View, label: String) {
    val list = descendants(root).filterIsInstance<android.widget.ListView>().firstOrNull { shown(it, root) } ?: error("no list to pick \"$label\" from")
    val row = (0 until list.count).firstOrNull { list.adapter.getItem(it).toString().contains(label) } ?: error("no row \"$label\" in the list")
    check(list.performItemClick(null, row, list.adapter.getItemId(row))) { "the row \"$label\" did not take the tap" }
}

/** Types [text] into the visible text box number [n] (from 0, top to bottom), as the keyboard would. */
fun type(root: View, n: Int, text: String) {
    val boxes = descendants(root).filterIsInstance<EditText>().filter { shown(it, root) }.toList()
    check(n < boxes.size) { "no text box $n (${boxes.size} shown)" }
    boxes[n].setText(text)
}
