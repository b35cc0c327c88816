package org.branchbook.app

import android.Manifest
import android.app.Activity
import android.content.Intent
import android.content.pm.PackageManager
import android.graphics.ImageFormat
import android.graphics.SurfaceTexture
import android.hardware.camera2.CameraCaptureSession
import android.hardware.camera2.CameraCharacteristics
import android.hardware.camera2.CameraDevice
import android.hardware.camera2.CameraManager
import android.hardware.camera2.CaptureRequest
import android.media.ImageReader
import android.os.Bundle
import android.os.Handler
import android.os.HandlerThread
import android.view.Surface
import android.view.TextureView
import org.branchbook.app.presenter.QrCodes
import org.branchbook.app.screen.ScanScreen
import org.branchbook.app.screen.Ui

/**
 * The built-in QR scanner, for phones without a scanner app: the back camera through
 * the platform's Camera2 API, each preview frame's grey levels handed to [QrCodes]
 * (ZXing core), under [ScanScreen]'s prompt. Returns the code's text as [EXTRA_TEXT]; a refused camera permission
 * returns RESULT_CANCELED with [EXTRA_DENIED].
 */
class ScanActivity : Activity() {
    private val thread = HandlerThread("qr-scan").apply { start() }
    private val background = Handler(thread.looper)
    private var camera: CameraDevice? = null
    private var reader: ImageReader? = null
    @Volatile private var done = false
    private lateinit var preview: TextureView

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        preview = TextureView(this)
        val texts = (application as BranchbookApp).scope.texts
        setContentView(ScanScreen(Ui(this), texts, preview) { finishWith(RESULT_CANCELED, Intent()) }.view)
        if (checkSelfPermission(Manifest.permission.CAMERA) == PackageManager.PERMISSION_GRANTED) whenReady()
        else requestPermissions(arrayOf(Manifest.permission.CAMERA), PERMISSION)
    }

    override fun onRequestPermissionsResult(requestCode: Int, permissions: Array<out String>, grantResults: IntArray) {
        super.onRequestPermissionsResult(requestCode, permissions, grantResults)
        if (grantResults.firstOrNull() == PackageManager.PERMISSION_GRANTED) whenReady()
        else finishWith(RESULT_CANCELED, Intent().putExtra(EXTRA_DENIED, true))
    }

    private fun whenReady() {
        if (preview.isAvailable) open(preview.surfaceTexture!!)
        else preview.surfaceTextureListener = object : TextureView.SurfaceTextureListener {
            override fun onSurfaceTextureAvailable(surface: SurfaceTexture, width: Int, height: Int) = open(surface)
            override fun onSurfaceTextureSizeChanged(surface: SurfaceTexture, width: Int, height: Int) {}
            override fun onSurfaceTextureDestroyed(surface: SurfaceTexture): Boolean = true
            override fun onSurfaceTextureUpdated(surface: SurfaceTexture) {}
        }
    }

    private fun open(texture: SurfaceTexture) {
        val manager = getSystemService(CameraManager::class.java) ?: return finishWith(RESULT_CANCELED, Intent())
        val id = manager.cameraIdList.firstOrNull {
            manager.getCameraCharacteristics(it).get(CameraCharacteristics.LENS_FACING) == CameraCharacteristics.LENS_FACING_BACK
        } ?: manager.cameraIdList.firstOrNull() ?: return finishWith(RESULT_CANCELED, Intent())
        val frames = ImageReader.newInstance(WIDTH, HEIGHT, ImageFormat.YUV_420_888, 2)
        reader = frames
        frames.setOnImageAvailableListener({ r ->
            val image = r.acquireLatestImage() ?: return@setOnImageAvailableListener
            val text = image.use {
                val plane = it.planes[0]
                val bytes = ByteArray(plane.buffer.remaining()).also { b -> plane.buffer.get(b) }
                QrCodes.decode(bytes, it.width, it.height, plane.rowStride)
            }
            if (text != null && !done) {
                done = true
                runOnUiThread { finishWith(RESULT_OK, Intent().putExtra(EXTRA_TEXT, text)) }
            }
        }, background)
        texture.setDefaultBufferSize(WIDTH, HEIGHT)
        val shown = Surface(texture)
        try {
            manager.openCamera(id, object : CameraDevice.StateCallback() {
                override fun onOpened(device: CameraDevice) {
                    camera = device
                    @Suppress("DEPRECATION")
                    device.createCaptureSession(listOf(shown, frames.surface), object : CameraCaptureSession.StateCallback() {
                        override fun onConfigured(session: CameraCaptureSession) {
                            val request = device.createCaptureRequest(CameraDevice.TEMPLATE_PREVIEW).apply {
                                addTarget(shown)
                                addTarget(frames.surface)
                                set(CaptureRequest.CONTROL_AF_MODE, CaptureRequest.CONTROL_AF_MODE_CONTINUOUS_PICTURE)
                            }.build()
                            session.setRepeatingRequest(request, null, background)
                        }

                        override fun onConfigureFailed(session: CameraCaptureSession) = finishWith(RESULT_CANCELED, Intent())
                    }, background)
                }

                override fun onDisconnected(device: CameraDevice) = device.close()

                override fun onError(device: CameraDevice, error: Int) {
                    device.close()
                    runOnUiThread { finishWith(RESULT_CANCELED, Intent()) }
                }
            }, background)
        } catch (e: SecurityException) {
            finishWith(RESULT_CANCELED, Intent().putExtra(EXTRA_DENIED, true))
        }
    }

    private fun finishWith(code: Int, data: Intent) {
        setResult(code, data)
        finish()
    }

    override fun onDestroy() {
        camera?.close()
        reader?.close()
        thread.quitSafely()
        super.onDestroy()
    }

    companion object {
        /** The QR code's text in the result. */
        const val EXTRA_TEXT = "text"

        /** Set when the camera permission was refused. */
        const val EXTRA_DENIED = "denied"

        private const val PERMISSION = 1
        private const val WIDTH = 1280
        private const val HEIGHT = 720
    }
}
