package org.branchbook.app.screen

import android.content.Context
import android.graphics.Color
import android.graphics.Typeface
import android.text.Editable
import android.text.InputType
import android.text.TextWatcher
import android.util.TypedValue
import android.view.View
import android.view.ViewGroup.LayoutParams.MATCH_PARENT
import android.view.ViewGroup.LayoutParams.WRAP_CONTENT
import android.widget.AdapterView
import android.widget.ArrayAdapter
import android.widget.Button
import android.widget.EditText
import android.widget.LinearLayout
import android.widget.ScrollView
import android.widget.Spinner
import android.widget.TextView
import org.branchbook.app.presenter.Row

/**
 * The building blocks of every screen, made in code: large text and tall buttons for
 * small screens in bright sun (dark text on white, 17-22 sp, 56 dp touch targets).
 */
class Ui(val context: Context) {
    /** [value] density-independent pixels in pixels. */
    fun dp(value: Int): Int = (value * context.resources.displayMetrics.density).toInt()

    /** A vertical stack with the screen's padding. */
    fun column(padding: Int = 16): LinearLayout = LinearLayout(context).apply {
        orientation = LinearLayout.VERTICAL
        setPadding(dp(padding), dp(padding), dp(padding), dp(padding))
    }

    /** [content] scrollable, filling the screen. */
    fun scroll(content: View): ScrollView = ScrollView(context).apply {
        setBackgroundColor(Color.WHITE)
        addView(content, LinearLayout.LayoutParams(MATCH_PARENT, WRAP_CONTENT))
    }

    /** Plain text. */
    fun text(value: String, sp: Float = 17f, bold: Boolean = false, color: Int = INK): TextView = TextView(context).apply {
        text = value
        setTextSize(TypedValue.COMPLEX_UNIT_SP, sp)
        setTextColor(color)
        if (bold) typeface = Typeface.DEFAULT_BOLD
        setPadding(0, dp(4), 0, dp(4))
    }

    /** A screen's title. */
    fun title(value: String): TextView = text(value, 22f, bold = true)

    /** A section heading. */
    fun heading(value: String): TextView = text(value, 19f, bold = true).apply { setPadding(0, dp(16), 0, dp(4)) }

    /** An error message, in red. */
    fun error(value: String): TextView = text(value, 17f, bold = true, color = ERROR)

    /** An error about one input, named first when known: "Năm sinh (2): ...". */
    fun error(about: String?, message: String): TextView = error(if (about == null) message else "$about: $message")

    /** A tall button. */
    fun button(label: String, onClick: () -> Unit): Button = Button(context).apply {
        text = label
        isAllCaps = false
        setTextSize(TypedValue.COMPLEX_UNIT_SP, 18f)
        minHeight = dp(56)
        setOnClickListener { onClick() }
    }

    /** A text box labelled [label] holding [value]; [onChange] hears every edit she makes. */
    fun input(label: String, value: String, type: Int = InputType.TYPE_CLASS_TEXT, onChange: (String) -> Unit): EditText =
        EditText(context).apply {
            hint = label
            // The theme's hint grey reads at under 3:1 on white: too faint in the sun.
            setHintTextColor(HINT)
            inputType = type
            setText(value)
            setTextSize(TypedValue.COMPLEX_UNIT_SP, 18f)
            minHeight = dp(56)
            addTextChangedListener(object : TextWatcher {
                override fun beforeTextChanged(s: CharSequence?, start: Int, count: Int, after: Int) {}
                override fun onTextChanged(s: CharSequence?, start: Int, before: Int, count: Int) {}
                override fun afterTextChanged(s: Editable?) = onChange(s?.toString() ?: "")
            })
        }

    /** A labelled input: the label above, then [input]. */
    fun labelled(label: String, input: View): LinearLayout = column(0).apply {
        addView(text(label, 15f))
        addView(input)
    }

    /** A two-line row of a list; a tap calls [onClick]. */
    fun row(row: Row, onClick: (() -> Unit)?): View = column(8).apply {
        addView(text(row.title, 18f, bold = true))
        if (row.detail.isNotEmpty()) addView(text(row.detail, 15f, color = MUTED))
        minimumHeight = dp(56)
        if (onClick != null) {
            isClickable = true
            setBackgroundResource(android.R.drawable.list_selector_background)
            setOnClickListener { onClick() }
        }
    }

    /** A drop-down of [options] (value, label) with [selected] chosen; [onPick] hears her choice. */
    fun <T> choice(options: List<Pair<T, String>>, selected: T, onPick: (T) -> Unit): Spinner = Spinner(context).apply {
        adapter = ArrayAdapter(context, android.R.layout.simple_spinner_dropdown_item, options.map { it.second })
        setSelection(options.indexOfFirst { it.first == selected }.coerceAtLeast(0))
        minimumHeight = dp(56)
        onItemSelectedListener = object : AdapterView.OnItemSelectedListener {
            override fun onItemSelected(parent: AdapterView<*>?, view: View?, position: Int, id: Long) {
                val picked = options[position].first
                if (picked != selected) onPick(picked)
            }

            override fun onNothingSelected(parent: AdapterView<*>?) {}
        }
    }

    /** Full width, wrapped height: how every child of a column is laid out. */
    fun LinearLayout.add(view: View): View {
        addView(view, LinearLayout.LayoutParams(MATCH_PARENT, WRAP_CONTENT))
        return view
    }

    private companion object {
        const val INK = 0xFF1A1A1A.toInt()
        const val MUTED = 0xFF4A4A4A.toInt()

        /** A text box's hint: lighter than what she typed, still 5.3:1 on white (WCAG AA asks 4.5:1). */
        const val HINT = 0xFF6B6B6B.toInt()
        const val ERROR = 0xFFB00020.toInt()
    }
}
