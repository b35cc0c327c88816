package org.branchbook.app.screens

import java.io.File
import java.util.logging.Level
import java.util.logging.Logger
import kotlin.system.exitProcess
import uniffi.branchbook.core.UiLanguage

/**
 * tests/android-screens.sh's program: draws every screen in the states she meets, checks
 * each, writes the PNGs and index.html under args[1], compares the golden images kept in
 * args[2] ([Goldens]) and exits 1 when any check failed. args[0] is layoutlib's platform
 * folder.
 */
fun main(args: Array<String>) {
    val out = File(args[1])
    // The renderer logs every framework lookup it cannot serve at INFO: keep warnings only.
    Logger.getLogger("").apply { level = Level.WARNING }.handlers.forEach { it.level = Level.WARNING }
    val started = System.nanoTime()
    // Sending without network takes its real minutes: those passes start before anything else.
    val languages = listOf(UiLanguage.VI, UiLanguage.EN)
    val offline = languages.map(::NoNetwork)
    val studio = Studio(File(args[0]), Phone.CHEAP)
    studio.start()
    println("   renderer started in ${seconds(started)}")
    checkTheChecks(studio)
    val camera = Camera(studio, out)
    val shooting = System.nanoTime()
    for (language in languages) Scenes(camera, language).all()
    // The main screens on the large font setting and on a larger phone, in Vietnamese.
    for (phone in listOf(Phone.CHEAP_LARGE_FONT, Phone.MIDRANGE)) {
        studio.use(phone)
        Scenes(camera, UiLanguage.VI).main()
    }
    studio.use(Phone.CHEAP)
    val waiting = System.nanoTime()
    offline.forEach { it.shoot(camera) }
    println("   waited ${seconds(waiting)} for the passes without network")
    println("   ${camera.shots.size} screens drawn in ${seconds(shooting)}")
    writeIndex(camera.shots, File(out, "index.html"))
    val failed = camera.shots.filter { it.problems.isNotEmpty() }
    println("screens: ${camera.shots.size} drawn, ${failed.size} with problems (${out.path}/index.html)")
    val golden = Goldens.check(out, File(args[2]), System.getenv("BRANCHBOOK_UPDATE_GOLDEN") == "1")
    golden.forEach { println("      $it") }
    println("golden images: ${Goldens.SCREENS.size} compared, ${golden.size} differ")
    // layoutlib leaves a non-daemon thread running: end the JVM here.
    exitProcess(if (failed.isEmpty() && golden.isEmpty()) 0 else 1)
}

/**
 * The checks must be able to fail: a deliberately bad screen (an ellipsized label, a
 * 24 dp button, a text line clipped by its View's height, light grey text on white, a
 * text box with a light grey hint, a missing text) is drawn first
 * and each of its faults must be reported, or the run stops.
 */
private fun checkTheChecks(studio: Studio) {
    val context = studio.context
    val dp = context.resources.displayMetrics.density
    val root = android.widget.LinearLayout(context).apply {
        orientation = android.widget.LinearLayout.VERTICAL
        addView(android.widget.TextView(context).apply {
            text = "Một nhãn rất dài bị cắt bằng dấu ba chấm ở cuối dòng vì chỉ có một dòng"
            isSingleLine = true
            ellipsize = android.text.TextUtils.TruncateAt.END
        })
        addView(android.widget.Button(context).apply { text = "OK" }, android.widget.LinearLayout.LayoutParams((24 * dp).toInt(), (24 * dp).toInt()))
        addView(android.widget.TextView(context).apply { text = "Hai dòng\nmà chỉ có chỗ cho một" }, android.widget.LinearLayout.LayoutParams(-1, (20 * dp).toInt()))
        addView(android.widget.TextView(context).apply {
            text = "Chữ xám nhạt trên nền trắng"
            setTextColor(0xFFAAAAAA.toInt())
        })
        addView(android.widget.EditText(context).apply {
            hint = "Gợi ý xám nhạt"
            setHintTextColor(0xFFAAAAAA.toInt())
            minHeight = (56 * dp).toInt()
        })
    }
    val problems = Checks(root, studio.shoot(root), dp).problems(listOf("Chương trình"))
    val wanted = listOf("text ellipsized", "touch target", "text cut", "text contrast", "hint contrast", "expected text not on the screen")
    check(contrast(0xFF767676.toInt(), 0xFFFFFFFF.toInt()) in 4.5..4.6) { "WCAG's contrast of #767676 on white is 4.54:1" }
    val unseen = wanted.filter { w -> problems.none { it.contains(w) } }
    check(unseen.isEmpty()) { "the checks missed faults drawn on purpose: $unseen (they found $problems)" }
    println("   the checks catch a bad screen: ${problems.size} faults found in it")
}

private fun seconds(since: Long) = "%.1fs".format((System.nanoTime() - since) / 1e9)

/** The index page: every shot side by side, a row per screen and state, a column per language and phone. */
fun writeIndex(shots: List<Shot>, file: File) {
    fun esc(s: String) = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;")
    val columns = shots.map { it.language to it.phone }.distinct()
    val rows = shots.map { it.screen to it.state }.distinct()
    val byKey = shots.associateBy { listOf(it.screen, it.state, it.language, it.phone) }
    val html = buildString {
        append("<!doctype html><meta charset=\"utf-8\"><title>Branchbook screens</title>\n")
        append("<style>body{font-family:sans-serif}td{vertical-align:top;padding:8px}img{width:270px;border:1px solid #ccc}.bad{color:#b00020}</style>\n")
        val failed = shots.count { it.problems.isNotEmpty() }
        append("<h1>Branchbook screens</h1><p>${shots.size} drawn, $failed with problems</p>\n<table><tr><th></th>")
        columns.forEach { (language, phone) -> append("<th>${esc(language)} · ${esc(phone)}</th>") }
        append("</tr>\n")
        rows.forEach { (screen, state) ->
            append("<tr><th>${esc(screen)}<br>${esc(state)}</th>")
            columns.forEach { (language, phone) ->
                val shot = byKey[listOf(screen, state, language, phone)]
                append("<td>")
                if (shot != null) {
                    append("<a href=\"${esc(shot.file)}\"><img src=\"${esc(shot.file)}\" alt=\"${esc("$screen $state $language")}\"></a>")
                    shot.problems.forEach { append("<div class=\"bad\">${esc(it)}</div>") }
                }
                append("</td>")
            }
            append("</tr>\n")
        }
        append("</table>\n")
    }
    file.writeText(html)
}
