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
 * The platform's side of the screens on the JVM: no camera, scanner, position or dialog;
 * what the screens asked is kept so a render can show it.
 */
class QuietHost : Host {
    /** Messages the screens showed as toasts, in order. */
    val toasts = mutableListOf<String>()

    override fun takePhoto(done: (java.io.File?) -> Unit) {}
    override fun scanQr(done: (String) -> Unit, denied: () -> Unit) {}
    override fun locate(done: (DoubleArray?) -> Unit) {}
    override fun confirm(question: String, yes: () -> Unit) {}
    override fun pickDate(year: Int, month: Int, day: Int, done: (Int, Int, Int) -> Unit) {}
    override fun pickTime(hour: Int, minute: Int, done: (Int, Int) -> Unit) {}
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
    ) {
        val language = app.preferences.uiLanguage.name.lowercase()
        val phone = studio.current
        val file = "$language/${phone.name}/$screen-$state.png"
        val shown = make(Ui(studio.context), QuietHost())
        val problems = try {
            shown.start()
            act(shown.view)
            val image = studio.shoot(shown.view)
            writePng(image, File(out, file))
            Checks(shown.view, image, studio.context.resources.displayMetrics.density).problems(expect(app.scope.texts))
        } catch (e: Throwable) {
            listOf("failed to draw: $e")
        } finally {
            shown.stop()
        }
        shots += Shot(screen, state, language, phone.name, file, problems)
        val verdict = if (problems.isEmpty()) "ok" else "${problems.size} problem(s)"
        println("   $file: $verdict")
        problems.forEach { println("      $it") }
    }
}

/** Taps the visible, tappable View that shows [label]. */
fun tap(root: View, label: String) {
    val target = descendants(root).firstOrNull { it is TextView && it.isClickable && shown(it, root) && it.text.toString() == label }
        ?: error("nothing to tap labelled \"$label\"")
    check(target.performClick()) { "\"$label\" did not take the tap" }
}

/** Types [text] into the visible text box number [n] (from 0, top to bottom), as the keyboard would. */
fun type(root: View, n: Int, text: String) {
    val boxes = descendants(root).filterIsInstance<EditText>().filter { shown(it, root) }.toList()
    check(n < boxes.size) { "no text box $n (${boxes.size} shown)" }
    boxes[n].setText(text)
}
