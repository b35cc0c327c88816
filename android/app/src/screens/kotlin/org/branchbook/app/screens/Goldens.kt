package org.branchbook.app.screens

import java.io.File
import javax.imageio.ImageIO

/**
 * Golden images: a few key screens (Vietnamese, the cheap phone, no clock or data that
 * changes from run to run) kept in the repository and compared with this run's renders,
 * so an unintended visual change fails the stage. A pixel differs when one of its colour
 * channels moves by more than [CHANNEL] (anti-aliasing moves a few); a screen fails when
 * more than [SHARE] of its pixels differ or its size changed.
 *
 * After an intended change: `BRANCHBOOK_UPDATE_GOLDEN=1 tests/android-screens.sh`
 * rewrites them from the run (look at them before committing).
 */
object Goldens {
    /** The shots kept, by their path under target/screens/. */
    val SCREENS = listOf(
        "vi/720x1600/enroll-empty.png",
        "vi/720x1600/home-fresh.png",
        "vi/720x1600/household-edit-member-error.png",
    )

    private const val CHANNEL = 48
    private const val SHARE = 0.005

    /** Compares [shots]' renders with [golden]'s (or rewrites them when [update]); one line per difference. */
    fun check(shots: File, golden: File, update: Boolean): List<String> = SCREENS.flatMap { path ->
        val drawn = File(shots, path)
        val kept = File(golden, path.replace('/', '-'))
        when {
            !drawn.isFile -> listOf("golden $path: not drawn in this run")
            update -> {
                kept.parentFile.mkdirs()
                drawn.copyTo(kept, overwrite = true)
                println("   golden ${kept.path} rewritten")
                emptyList()
            }
            !kept.isFile -> listOf("golden $path: no ${kept.path} (BRANCHBOOK_UPDATE_GOLDEN=1 tests/android-screens.sh writes it)")
            else -> compare(path, ImageIO.read(kept), ImageIO.read(drawn))
        }
    }

    private fun compare(path: String, kept: java.awt.image.BufferedImage, drawn: java.awt.image.BufferedImage): List<String> {
        if (kept.width != drawn.width || kept.height != drawn.height) {
            return listOf("golden $path: ${drawn.width}x${drawn.height}, kept ${kept.width}x${kept.height}")
        }
        var differ = 0
        for (y in 0 until kept.height) for (x in 0 until kept.width) {
            val a = kept.getRGB(x, y)
            val b = drawn.getRGB(x, y)
            if ((0..16 step 8).any { shift -> Math.abs((a ushr shift and 0xff) - (b ushr shift and 0xff)) > CHANNEL }) differ++
        }
        val share = differ.toDouble() / (kept.width * kept.height)
        println("   golden $path: ${"%.3f".format(share * 100)}% of pixels differ")
        return if (share > SHARE) listOf("golden $path: ${"%.2f".format(share * 100)}% of pixels differ (over ${SHARE * 100}%)") else emptyList()
    }
}
