package org.branchbook.app.screen

import android.graphics.Color
import android.graphics.drawable.GradientDrawable
import android.view.Gravity
import android.view.View
import android.view.ViewGroup.LayoutParams.MATCH_PARENT
import android.view.ViewGroup.LayoutParams.WRAP_CONTENT
import android.widget.FrameLayout
import org.branchbook.app.presenter.Texts
import uniffi.branchbook.core.TextKey

/**
 * The built-in QR scanner's screen: the camera's [preview] filling the screen, a square
 * showing where the code goes, and below it what to do, in white on a dark panel that
 * stays readable over any picture, with Cancel ([onCancel]) as the only action.
 */
class ScanScreen(ui: Ui, texts: Texts, preview: View, onCancel: () -> Unit) : Screen {
    override val view: View = FrameLayout(ui.context).apply {
        setBackgroundColor(Color.BLACK)
        addView(preview, FrameLayout.LayoutParams(MATCH_PARENT, MATCH_PARENT))
        val frame = GradientDrawable().apply {
            setStroke(ui.dp(4), Color.WHITE)
            cornerRadius = ui.dp(16).toFloat()
        }
        addView(View(ui.context).apply { background = frame }, FrameLayout.LayoutParams(ui.dp(248), ui.dp(248), Gravity.CENTER))
        addView(
            ui.column(24).apply {
                setBackgroundColor(PANEL)
                addView(ui.text(texts[TextKey.ENROLL_SCAN_QR], 22f, bold = true, color = Color.WHITE))
                addView(ui.text(texts[TextKey.ENROLL_SCAN_PROMPT], 18f, color = Color.WHITE))
                addView(ui.button(texts[TextKey.ACTION_CANCEL], onCancel))
            },
            FrameLayout.LayoutParams(MATCH_PARENT, WRAP_CONTENT, Gravity.BOTTOM),
        )
    }

    private companion object {
        /** The prompt's panel: near black, so white text reads over a bright picture. */
        const val PANEL = 0xE6121212.toInt()
    }
}
