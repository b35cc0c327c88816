package org.branchbook.facade

import java.awt.image.BufferedImage
import java.io.File
import java.nio.file.Files
import javax.imageio.ImageIO
import uniffi.branchbook.Branchbook
import uniffi.branchbook.core.AppRelease

/** Shared helpers of the facade tests: a fresh data folder, the repository's files, a camera photo. */
object Fixtures {
    /** The repository root (tests/jvm.sh runs the tests from there). */
    val repo: File = File(".").absoluteFile.normalize()

    /** The example household survey, as its author saved it. */
    val householdXlsx: File get() = File(repo, "core/forms/household_survey.xlsx")

    /** A small form with a repeat the user adds to (children of a mother), as canonical JSON. */
    val childRegisterJson: File get() = File(repo, "core/tests/data/child_register.json")

    /** Runs [body] with a new Branchbook on a fresh temporary data folder, closing and deleting both after. */
    fun <T> withApp(key: ByteArray? = null, body: (Branchbook, File) -> T): T {
        val dir = Files.createTempDirectory("branchbook-facade").toFile()
        try {
            return Branchbook.open(dir.path, key, "test-phone", AppRelease("", "")).use { app ->
                app.setAccount("lo.thi.mai")
                body(app, dir)
            }
        } finally {
            dir.deleteRecursively()
        }
    }

    /** Writes a [width]x[height] JPEG where a phone camera would, and returns its path. */
    fun cameraJpeg(dir: File, name: String, width: Int = 80, height: Int = 60): String {
        val img = BufferedImage(width, height, BufferedImage.TYPE_INT_RGB)
        for (x in 0 until width) for (y in 0 until height) img.setRGB(x, y, (x * 3 shl 16) or (y * 4 shl 8) or 0x60)
        val file = File(dir, name)
        check(ImageIO.write(img, "jpg", file)) { "no JPEG writer in this JVM" }
        return file.path
    }
}
