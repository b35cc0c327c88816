package org.branchbook.app.presenter

import com.google.zxing.BinaryBitmap
import com.google.zxing.ChecksumException
import com.google.zxing.DecodeHintType
import com.google.zxing.FormatException
import com.google.zxing.MultiFormatReader
import com.google.zxing.NotFoundException
import com.google.zxing.PlanarYUVLuminanceSource
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
     * frame is tried).
     */
    fun decode(luminance: ByteArray, width: Int, height: Int, rowStride: Int = width): String? {
        if (width <= 0 || height <= 0 || rowStride < width || luminance.size < rowStride * (height - 1) + width) return null
        val source = PlanarYUVLuminanceSource(luminance, rowStride, height, 0, 0, width, height, false)
        return try {
            QRCodeReader().decode(BinaryBitmap(HybridBinarizer(source)), hints).text
        } catch (e: NotFoundException) {
            null
        } catch (e: ChecksumException) {
            null
        } catch (e: FormatException) {
            null
        }
    }

    /**
     * The text of the barcode or QR code of any format ZXing reads (EAN, UPC, Code 128,
     * QR, Data Matrix...) in a [width] x [height] picture of ARGB [pixels] (a photo,
     * downsized); null when none is readable. The core cleans the text (`typeAnswer`).
     */
    fun decodeAny(pixels: IntArray, width: Int, height: Int): String? {
        if (width <= 0 || height <= 0 || pixels.size < width * height) return null
        val source = RGBLuminanceSource(width, height, pixels)
        return try {
            MultiFormatReader().decode(BinaryBitmap(HybridBinarizer(source)), hints).text
        } catch (e: NotFoundException) {
            null
        } catch (e: ChecksumException) {
            null
        } catch (e: FormatException) {
            null
        }
    }
}
