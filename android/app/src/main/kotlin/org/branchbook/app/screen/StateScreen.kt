package org.branchbook.app.screen

import android.view.View
import android.widget.LinearLayout
import org.branchbook.app.presenter.Presenter

/**
 * A screen that draws its presenter's state: [fixed] holds Views built once (text boxes
 * keep her cursor while she types), [body] is drawn again from each new state by
 * [render]. [title], when given, heads [fixed]. [load] asks the presenter [p] for the data when the screen is shown.
 */
abstract class StateScreen<S, P : Presenter<S>>(protected val ui: Ui, protected val p: P, title: String? = null) : Screen {
    /** Built once, above [body]. */
    protected val fixed: LinearLayout = ui.column(0)

    /** Drawn again from every state. */
    protected val body: LinearLayout = ui.column(0)

    private val root = ui.column().apply {
        addView(fixed)
        addView(body)
    }

    override val view: View = ui.scroll(root)

    init {
        title?.let { fixed.addView(ui.title(it)) }
    }

    override fun start() {
        p.onChange = { state ->
            body.removeAllViews()
            render(state)
        }
        body.removeAllViews()
        render(p.state)
        load()
    }

    override fun stop() {
        p.onChange = null
    }

    /** Reads the screen's data (the presenter's refresh). */
    protected abstract fun load()

    /** Fills [body] from [state]. */
    protected abstract fun render(state: S)

    /** Adds [view] to [body], full width. */
    protected fun show(view: View): View = with(ui) { body.add(view) }

    /** Adds [view] to [fixed], full width. */
    protected fun keep(view: View): View = with(ui) { fixed.add(view) }
}
