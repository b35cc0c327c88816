package org.branchbook.app.presenter

import com.google.zxing.BinaryBitmap
import com.google.zxing.DecodeHintType
import com.google.zxing.LuminanceSource
import com.google.zxing.MultiFormatReader
import com.google.zxing.PlanarYUVLuminanceSource
import com.google.zxing.Reader
import com.google.zxing.ReaderException
import com.google.zxing.RGBLuminanceSource
import com.google.zxing.common.HybridBinarizer
import com.google.zxing.qrcode.QRCodeReader

/**
 * Reads codes with ZXing core: the enrollment QR code in a camera frame, and the barcode
 * of a `barcode` question in a photo she took. The camera gives grey
 * levels first in every YUV frame (the Y plane), so this takes those bytes as they come;
 * plain Kotlin, so the decoding is tested on the JVM with codes ZXing draws.
 */
object QrCodes {
    private val hints = mapOf(DecodeHintType.TRY_HARDER to true, DecodeHintType.CHARACTER_SET to "UTF-8")

    /**
     * The text of the QR code in a [width] x [height] grey image whose rows start every
     * [rowStride] bytes of [luminance]; null when no code is readable in it (the next
     * frame is tried). ZXing's finder misplaces the grid of about one code in ten when
     * the code is drawn sharp and square (a code on a screen, held still), so a frame
     * that does not read is tried once more at half size, where the grid is found again.
     */
    fun decode(luminance: ByteArray, width: Int, height: Int, rowStride: Int = width): String? {
        if (width <= 0 || height <= 0 || rowStride < width || luminance.size < rowStride * (height - 1) + width) return null
        val frame = PlanarYUVLuminanceSource(luminance, rowStride, height, 0, 0, width, height, false)
        return readOrNull(QRCodeReader(), frame) ?: halved(luminance, width, height, rowStride)?.let { readOrNull(QRCodeReader(), it) }
    }

    /**
     * The text of the barcode or QR code of any format ZXing reads (EAN, UPC, Code 128,
     * QR, Data Matrix...) in a [width] x [height] picture of ARGB [pixels] (a photo,
     * downsized); null when none is readable. The core cleans the text (`typeAnswer`).
     */
    fun decodeAny(pixels: IntArray, width: Int, height: Int): String? {
        if (width <= 0 || height <= 0 || pixels.size < width * height) return null
        return readOrNull(MultiFormatReader(), RGBLuminanceSource(width, height, pixels))
    }

    /** The text [reader] finds in [source], or null when it finds none or cannot read it. */
    private fun readOrNull(reader: Reader, source: LuminanceSource): String? =
        try {
            reader.decode(BinaryBitmap(HybridBinarizer(source)), hints).text
        } catch (e: ReaderException) {
            null
        }

    /** The frame at half its width and height, each pixel the mean of four; null when too small to hold a code. */
    private fun halved(luminance: ByteArray, width: Int, height: Int, rowStride: Int): LuminanceSource? {
        val w = width / 2
        val h = height / 2
        if (w < MIN_SIDE || h < MIN_SIDE) return null
        val out = ByteArray(w * h)
        for (y in 0 until h) {
            val top = 2 * y * rowStride
            val bottom = top + rowStride
            for (x in 0 until w) {
                val sum = (luminance[top + 2 * x].toInt() and 0xff) + (luminance[top + 2 * x + 1].toInt() and 0xff) +
                    (luminance[bottom + 2 * x].toInt() and 0xff) + (luminance[bottom + 2 * x + 1].toInt() and 0xff)
                out[y * w + x] = (sum / 4).toByte()
            }
        }
        return PlanarYUVLuminanceSource(out, w, h, 0, 0, w, h, false)
    }

    /** The smallest side, in pixels, worth a second try: a version 1 code with its quiet zone. */
    private const val MIN_SIDE = 29
}
