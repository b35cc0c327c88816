package org.branchbook.app.presenter

import com.google.zxing.BarcodeFormat
import com.google.zxing.qrcode.QRCodeWriter
import java.io.File
import org.branchbook.testing.SyncServer
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import uniffi.branchbook.core.EnrollEdit
import uniffi.branchbook.core.InputField
import uniffi.branchbook.core.TextKey

class EnrollPresenterTest {
    /** A server with a branch, Bản Dền, and the child register published. */
    private fun server() = SyncServer.start(form = File(TestApp.repo, "core/tests/data/child_register.json"), branch = "Bản Dền", roster = 0)

    /** The grey levels of [text] drawn as a QR code by ZXing, inside a wider camera row (stride). */
    private fun cameraFrame(text: String, size: Int, stride: Int): ByteArray {
        val matrix = QRCodeWriter().encode(text, BarcodeFormat.QR_CODE, size, size)
        val frame = ByteArray(stride * size) { 0x7f }
        for (y in 0 until size) for (x in 0 until size) frame[y * stride + x] = if (matrix[x, y]) 20 else 235.toByte()
        return frame
    }

    @Test
    fun `a typed address and code connect the phone, then the first send brings the forms`() = server().use { server ->
        val (address, code) = server.typedCode()
        TestApp.with(account = null) { app ->
            val texts = app.scope.texts
            app.navigator.open(Route.Enroll)
            val p = EnrollPresenter(app.scope, "Điện thoại của Mai")

            assertEquals("Điện thoại của Mai", p.state.form.deviceLabel)
            p.connect()
            assertEquals(InputField.ServerAddress, p.state.form.invalid, "an empty address is pointed at before any call")
            assertEquals(texts[TextKey.ENROLL_SERVER], p.state.form.errorAbout)

            p.edit(EnrollEdit.Server("http://sync.example.vn"))
            assertNull(p.state.form.error, "typing clears the error")
            p.edit(EnrollEdit.Code(code))
            p.connect()
            assertEquals(InputField.ServerAddress, p.state.form.invalid, "plain http to another machine would send the token in clear")
            assertEquals(texts[TextKey.ERROR_INVALID_INPUT], p.state.form.error)
            assertFalse(p.state.form.connecting)
            assertNull(p.state.form.status)

            p.edit(EnrollEdit.Server(address))
            p.edit(EnrollEdit.Code("WRONG-0000"))
            p.connect()
            assertEquals(InputField.EnrollmentCode, p.state.form.invalid, "the server refused the code: ${p.state.form.error}")
            assertNull(app.core.enrollment())
            assertEquals(Route.Enroll, app.navigator.current)

            p.edit(EnrollEdit.Code("  $code "))
            p.connect()
            assertNull(p.state.form.error)
            assertEquals(listOf("Đã kết nối với chi hội Bản Dền."), app.notices)
            assertEquals(Route.Send, app.navigator.current, "the send screen shows the first send")
            val first = app.scope.sender.status as SendStatus.Finished
            assertEquals(1u, first.report.formsReceived)
            assertEquals(listOf("child_register"), app.core.listForms(true).map { it.formId })
            assertEquals("Bản Dền", app.core.enrollment()?.branchName)
            val home = HomePresenter(app.scope)
            home.refresh()
            assertEquals("Chi hội Bản Dền", home.state.heading)
            assertNull(home.state.notEnrolled)

            val settings = SettingsPresenter(app.scope)
            settings.refresh()
            assertEquals(listOf("Tài khoản: mai.lo", "Lào Cai › Xã Bản Hồ › Bản Dền"), settings.state.page!!.account)
        }
    }

    @Test
    fun `a QR code read from a camera frame connects the phone, and a QR code that is not an enrollment is refused`() =
        server().use { server ->
            val payload = server.qr()
            TestApp.with(account = null) { app ->
                val p = EnrollPresenter(app.scope, "")

                val other = QrCodes.decode(cameraFrame("https://example.org/menu", 240, 256), 240, 240, 256)
                assertEquals("https://example.org/menu", other)
                p.scanned(other!!)
                assertEquals(InputField.EnrollmentCode, p.state.form.invalid)
                assertEquals(app.scope.texts[TextKey.ENROLL_BAD_QR], p.state.form.error)

                val blank = ByteArray(320 * 240) { (it * 31 % 251).toByte() }
                assertNull(QrCodes.decode(blank, 320, 240), "a frame with no code reads as nothing")
                assertNull(QrCodes.decode(blank, 320, 480), "a frame shorter than its size is refused, not read past")

                val sharp = """{"server":"http://127.0.0.1:58275","code":"QJY2-FHY9-73Z4"}"""
                assertEquals(sharp, QrCodes.decode(cameraFrame(sharp, 300, 320), 300, 300, 320), "a code ZXing's finder misreads when sharp is read at half size")

                // The camera gives frames one after another while she holds the phone; the first that reads is used.
                val read = listOf(300, 264).firstNotNullOfOrNull { side -> QrCodes.decode(cameraFrame(payload, side, side + 20), side, side, side + 20) }
                assertEquals(payload, read)
                p.scanned(read!!)
                assertNull(p.state.form.error)
                assertEquals(Route.Send, app.navigator.current)
                assertTrue(app.core.enrollment() != null)
            }
        }

    @Test
    fun `a refused camera leaves typing the code`() = TestApp.with(account = null) { app ->
        val p = EnrollPresenter(app.scope, "")
        p.cameraDenied()
        assertEquals("Cần cho phép dùng máy ảnh để quét mã QR.", p.state.form.error)
        p.edit(EnrollEdit.Server("https://sync.example.vn"))
        assertNull(p.state.form.error)
    }
}
