package org.branchbook.app.screens

import android.graphics.Rect
import android.view.View
import android.view.ViewGroup
import android.widget.EditText
import android.widget.TextView
import java.awt.image.BufferedImage

/** Every View under [root] (itself first), depth first. */
fun descendants(root: View): Sequence<View> = sequence {
    yield(root)
    if (root is ViewGroup) for (i in 0 until root.childCount) yieldAll(descendants(root.getChildAt(i)))
}

/** True when [view] and all its parents up to [root] are VISIBLE. */
fun shown(view: View, root: View): Boolean {
    var v: View? = view
    while (v != null) {
        if (v.visibility != View.VISIBLE) return false
        if (v === root) return true
        v = v.parent as? View
    }
    return true
}

/** [view]'s bounds in [root]'s coordinates (scrolling ignored: the whole content). */
fun boundsIn(view: View, root: View): Rect {
    var x = 0
    var y = 0
    var v: View? = view
    while (v != null && v !== root) {
        x += v.left
        y += v.top
        v = v.parent as? View
    }
    return Rect(x, y, x + view.width, y + view.height)
}

/**
 * What is wrong with a drawn screen, read from its laid-out View tree and its image:
 * text cut or ellipsized, touch targets under 48 x 48 dp, tappable Views on top of each
 * other, Views running off the screen's side, text whose contrast with what is drawn
 * behind it is under WCAG AA's 4.5:1, expected texts missing, a blank image.
 * Each problem is one line naming the View.
 */
class Checks(private val root: View, private val image: BufferedImage, private val density: Float) {
    private val views = descendants(root).filter { shown(it, root) }.toList()

    /** All problems; [expected] are texts that must be on the screen (a visible TextView's text contains each). */
    fun problems(expected: List<String>): List<String> = blank() + cutText() + smallTargets() + overlaps() + offScreen() + lowContrast() + missing(expected)

    private fun name(v: View): String {
        val text = (v as? TextView)?.let { if (it.text.isNullOrEmpty()) it.hint else it.text }?.toString()?.take(40)
        return v.javaClass.simpleName + (text?.let { " \"$it\"" } ?: "") + " at " + boundsIn(v, root).toShortString()
    }

    /** An image of one colour, or nearly: nothing was drawn. */
    private fun blank(): List<String> {
        val background = image.getRGB(0, 0)
        var other = 0
        for (y in 0 until image.height step 2) for (x in 0 until image.width step 2) if (image.getRGB(x, y) != background) other++
        val share = other * 4.0 / (image.width * image.height)
        return if (share < 0.005) listOf("blank image: ${"%.2f".format(share * 100)}% of pixels differ from the background") else emptyList()
    }

    /** Text ellipsized, or taller or wider than the room its View gives it. */
    private fun cutText(): List<String> = views.filterIsInstance<TextView>().flatMap { tv ->
        val layout = tv.layout ?: return@flatMap if (tv.text.isNotEmpty()) listOf("${name(tv)}: never laid out") else emptyList()
        val problems = mutableListOf<String>()
        if ((0 until layout.lineCount).any { layout.getEllipsisCount(it) > 0 }) problems += "${name(tv)}: text ellipsized"
        val room = tv.height - tv.totalPaddingTop - tv.totalPaddingBottom
        // A text box scrolls its own text; anything else must show all its lines.
        if (tv !is EditText && layout.height > room + 1) problems += "${name(tv)}: text cut (${layout.height} px of text in $room px)"
        val wide = tv.width - tv.totalPaddingLeft - tv.totalPaddingRight
        // Measured without the line's trailing spaces, which the renderer counts in its width.
        val widest = (0 until layout.lineCount).maxOfOrNull { tv.paint.measureText(tv.text, layout.getLineStart(it), layout.getLineVisibleEnd(it)) } ?: 0f
        if (tv !is EditText && widest > wide + 1) problems += "${name(tv)}: a line of ${widest.toInt()} px in its $wide px"
        problems
    }

    /** What she can tap: clickable, or a text box. */
    private fun tappable(v: View) = v.isClickable || v is EditText

    /** Touch targets under 48 x 48 dp. */
    private fun smallTargets(): List<String> {
        val min = 48 * density
        return views.filter { tappable(it) && (it.height < min - 0.5f || it.width < min - 0.5f) }.map {
            "${name(it)}: touch target ${"%.0f".format(it.width / density)} x ${"%.0f".format(it.height / density)} dp (under 48 x 48)"
        }
    }

    /** Two tappable Views that overlap (neither inside the other): a tap could hit the wrong one. */
    private fun overlaps(): List<String> {
        val targets = views.filter(::tappable).map { it to boundsIn(it, root) }
        val problems = mutableListOf<String>()
        for (i in targets.indices) for (j in i + 1 until targets.size) {
            val (a, ra) = targets[i]
            val (b, rb) = targets[j]
            if (Rect.intersects(ra, rb) && !inside(a, b) && !inside(b, a)) problems += "${name(a)} overlaps ${name(b)}"
        }
        return problems
    }

    private fun inside(child: View, parent: View): Boolean = generateSequence(child.parent as? View) { it.parent as? View }.any { it === parent }

    /** Views whose right edge is past the screen's. */
    private fun offScreen(): List<String> = views.filter { boundsIn(it, root).right > root.width + 1 }.map { "${name(it)}: runs off the screen's right edge (${root.width} px)" }

    /**
     * Text that stands out from what is drawn behind it by less than WCAG AA's 4.5:1,
     * read on the image: the background is the commonest colour inside the text's box,
     * the ink the TextView's colour laid over it. Text below the fold is not drawn, so not
     * checked; a disabled control's text is exempt (WCAG 1.4.3). An empty text box shows
     * its hint in the text's place, in the hint's colour: that is checked the same way.
     */
    private fun lowContrast(): List<String> = views.filterIsInstance<TextView>().filter { it.isEnabled }.mapNotNull { tv ->
        val (ink, what) = when {
            tv.text.isNotBlank() -> tv.currentTextColor to "text"
            !tv.hint.isNullOrBlank() -> tv.currentHintTextColor to "hint"
            else -> return@mapNotNull null
        }
        val r = boundsIn(tv, root)
        val box = Rect(r.left + tv.totalPaddingLeft, r.top + tv.totalPaddingTop, r.right - tv.totalPaddingRight, r.bottom - tv.totalPaddingBottom)
        if (box.isEmpty || box.left < 0 || box.top < 0 || box.right > image.width || box.bottom > image.height) return@mapNotNull null
        val background = commonest(box)
        val ratio = contrast(over(ink, background), background)
        if (ratio < 4.5) "${name(tv)}: $what contrast ${"%.1f".format(ratio)}:1 against #${"%06x".format(background and 0xffffff)} (under 4.5:1)" else null
    }

    /** The commonest opaque colour of the image inside [box]. */
    private fun commonest(box: Rect): Int {
        val counts = HashMap<Int, Int>()
        for (y in box.top until box.bottom) for (x in box.left until box.right) {
            val rgb = image.getRGB(x, y) or (0xff shl 24)
            counts[rgb] = (counts[rgb] ?: 0) + 1
        }
        return counts.maxByOrNull { it.value }?.key ?: (0xffffffff).toInt()
    }

    /** Expected texts that no visible TextView shows. */
    private fun missing(expected: List<String>): List<String> {
        val texts = views.filterIsInstance<TextView>().map { it.text.toString() }
        val missing = expected.filter { want -> texts.none { it.contains(want) } }
        if (missing.isEmpty()) return emptyList()
        val seen = texts.filter { it.isNotBlank() }.joinToString(" | ") { it.take(40) }.take(600)
        return missing.map { "expected text not on the screen: \"$it\" (it shows: $seen)" }
    }
}

/** [color] (ARGB, maybe translucent) as it shows over the opaque [background]. */
fun over(color: Int, background: Int): Int {
    val a = (color ushr 24 and 0xff) / 255.0
    fun mix(shift: Int) = ((color ushr shift and 0xff) * a + (background ushr shift and 0xff) * (1 - a)).toInt()
    return (0xff shl 24) or (mix(16) shl 16) or (mix(8) shl 8) or mix(0)
}

/** WCAG's relative luminance of an opaque colour. */
fun luminance(color: Int): Double {
    fun channel(shift: Int): Double {
        val c = (color ushr shift and 0xff) / 255.0
        return if (c <= 0.03928) c / 12.92 else Math.pow((c + 0.055) / 1.055, 2.4)
    }
    return 0.2126 * channel(16) + 0.7152 * channel(8) + 0.0722 * channel(0)
}

/** WCAG's contrast ratio of two opaque colours, 1 to 21. */
fun contrast(a: Int, b: Int): Double {
    val (light, dark) = listOf(luminance(a), luminance(b)).sortedDescending()
    return (light + 0.05) / (dark + 0.05)
}
