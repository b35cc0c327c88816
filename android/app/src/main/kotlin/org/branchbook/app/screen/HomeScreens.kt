package org.branchbook.app.screen

import org.branchbook.app.presenter.AppScope
import org.branchbook.app.presenter.FormPickerPresenter
import org.branchbook.app.presenter.FormPickerState
import org.branchbook.app.presenter.HomePresenter
import org.branchbook.app.presenter.HomeState
import org.branchbook.app.presenter.Row
import uniffi.branchbook.core.TextKey

/** Home: branch, counts, surveys sent back by an officer, the three jobs, unfinished work. */
class HomeScreen(ui: Ui, scope: AppScope) : StateScreen<HomeState, HomePresenter>(ui, HomePresenter(scope), scope.texts[TextKey.APP_NAME]) {
    private val texts = scope.texts

    override fun load() = p.refresh()

    override fun render(state: HomeState) {
        state.heading?.let { show(ui.heading(it)) }
        state.notEnrolled?.let {
            show(ui.text(it))
            show(ui.button(texts[TextKey.ENROLL_TITLE], p::enroll))
        }
        state.counts.forEach { show(ui.text(it, 18f)) }
        state.attention?.let { show(ui.button(it, p::send)) }
        state.lastSent?.let { show(ui.text(it, 15f)) }
        state.error?.let { show(ui.error(it)) }
        if (state.returned.isNotEmpty()) show(ui.heading(state.returnedHeading))
        state.returned.forEach { returned ->
            show(ui.row(Row(returned.id, returned.title, returned.detail), null))
            returned.comment?.let { show(ui.text(it, 16f)) }
            show(ui.button(state.correctAction) { p.correct(returned.id) })
        }
        show(ui.button(texts[TextKey.HOME_VISIT_HOUSEHOLD], p::visitHousehold))
        show(ui.button(texts[TextKey.HOME_HOLD_GATHERING], p::holdGathering))
        show(ui.button(texts[TextKey.HOME_SEND], p::send))
        if (state.drafts.isNotEmpty()) show(ui.heading(texts[TextKey.FORM_RESUME]))
        state.drafts.forEach { row -> show(ui.row(row) { p.openDraft(row.id) }) }
        if (state.openGatherings.isNotEmpty()) show(ui.heading(texts[TextKey.GATHERING_OPEN]))
        state.openGatherings.forEach { row -> show(ui.row(row) { p.openGathering(row.id) }) }
        show(ui.button(texts[TextKey.HOME_SETTINGS], p::settings))
    }
}

/** Choosing the form of a new survey. */
class FormPickerScreen(ui: Ui, scope: AppScope, householdId: String?) :
    StateScreen<FormPickerState, FormPickerPresenter>(ui, FormPickerPresenter(scope, householdId), scope.texts[TextKey.FORMS_TITLE]) {
    override fun load() = p.refresh()

    override fun render(state: FormPickerState) {
        state.error?.let { show(ui.error(it)) }
        state.empty?.let { show(ui.text(it)) }
        // A form still waiting for its files says so and is not tappable.
        state.forms.forEach { form -> show(ui.row(form.row, if (form.ready) ({ p.start(form.row.id) }) else null)) }
    }
}
