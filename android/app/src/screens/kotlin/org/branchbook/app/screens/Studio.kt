package org.branchbook.app.screens

import android.content.Context
import android.view.View
import app.cash.paparazzi.DeviceConfig
import app.cash.paparazzi.Environment
import app.cash.paparazzi.PaparazziSdk
import com.android.ide.common.rendering.api.SessionParams.RenderingMode
import com.android.resources.Density
import com.android.resources.ScreenOrientation
import com.android.resources.ScreenRatio
import com.android.resources.ScreenSize
import java.awt.image.BufferedImage
import java.io.File
import javax.imageio.ImageIO

/** A phone the screens are drawn for: its pixels, its density, its font scale. */
data class Phone(val name: String, val width: Int, val height: Int, val dpi: Int, val fontScale: Float = 1f) {
    /** The renderer's description of this phone, its locale [locale]. */
    fun config(locale: String) = DeviceConfig(
        screenHeight = height,
        screenWidth = width,
        xdpi = dpi,
        ydpi = dpi,
        orientation = ScreenOrientation.PORTRAIT,
        density = Density.create(dpi),
        fontScale = fontScale,
        locale = locale,
        ratio = ScreenRatio.LONG,
        size = ScreenSize.NORMAL,
    )

    companion object {
        /** A cheap phone: 720 x 1600 at 320 dpi. */
        val CHEAP = Phone("720x1600", 720, 1600, 320)

        /** The cheap phone with the large font setting (1.3). */
        val CHEAP_LARGE_FONT = Phone("720x1600-font1.3", 720, 1600, 320, 1.3f)

        /** A common mid-range phone: 1080 x 2400 at 420 dpi. */
        val MIDRANGE = Phone("1080x2400", 1080, 2400, 420)
    }
}

/**
 * Android's layout renderer (layoutlib through Paparazzi's SDK), started once for the
 * whole run: [shoot] lays a View out on the current phone, draws it and hands back the
 * image. The theme is the platform's Material Light, as on the phone (no AppCompat).
 */
class Studio(platformDir: File, private var phone: Phone) {
    private var frame: BufferedImage? = null
    private val sdk = PaparazziSdk(
        Environment(platformDir.path, platformDir.path, "org.branchbook.app", 34, emptyList(), emptyList(), emptyList(), emptyList(), emptyList(), emptyList()),
        phone.config("vi"),
        THEME,
        RenderingMode.NORMAL,
        false, // appCompatEnabled
        emptySet(),
        false, // supportsRtl
        false, // showSystemUi
        false, // validateAccessibility
        true, // useDeviceResolution: the phone's own pixels, not scaled down
    ) { frame = it }

    /** Starts the renderer (seconds: it loads the framework, fonts and ICU). */
    fun start() {
        sdk.setup()
        sdk.prepare()
    }

    /** The current phone. */
    val current: Phone get() = phone

    /** Draws on [next] from now on (a new render session, not a new renderer). */
    fun use(next: Phone) {
        if (next == phone) return
        phone = next
        sdk.unsafeUpdateConfig(next.config("vi"), null, null)
    }

    /** The context Views are built in (that of the current render session). */
    val context: Context get() = sdk.context

    /** Lays [view] out full screen and draws it. */
    fun shoot(view: View): BufferedImage {
        frame = null
        sdk.snapshot(view)
        return frame ?: error("the renderer drew no frame")
    }

    /** Stops the renderer. */
    fun stop() = sdk.teardown()

    private companion object {
        const val THEME = "android:Theme.Material.Light.NoActionBar"
    }
}

/** Writes [image] as a PNG at [file]. */
fun writePng(image: BufferedImage, file: File) {
    file.parentFile.mkdirs()
    check(ImageIO.write(image, "png", file)) { "no PNG writer in this JVM" }
}
