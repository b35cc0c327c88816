package org.branchbook.app.presenter

import uniffi.branchbook.GatheringEditor
import uniffi.branchbook.core.GatheringEdit
import uniffi.branchbook.core.GatheringForm
import uniffi.branchbook.core.PickerFields

/** What the gathering details form shows (a new gathering, or an open one's details). */
data class GatheringNewState(
    /** The form as the core gives it (kinds, values, the time on Vietnam's clock, refusal); null until read. */
    val form: GatheringForm? = null,
    /** Why the gathering could not be read. */
    val error: String? = null,
)

/**
 * Starting a gathering: kind, topic, village, date and time (now unless she changes it),
 * who leads it. The form lives in the core ([GatheringEditor]), which reads the day and
 * time she picks on Vietnam's clock. Creating it opens its attendance screen in place of
 * this form. Given [gatheringId], the same form changes that open gathering's details (a
 * gathering the server refused for its date, reopened from the send screen) and goes
 * back to it.
 */
class GatheringNewPresenter(private val scope: AppScope, private val gatheringId: String? = null) :
    Presenter<GatheringNewState>(GatheringNewState()) {
    private var editor: GatheringEditor? = null

    init {
        val texts = scope.texts
        scope.worker.run({ scope.core.gatheringEditor(gatheringId, texts.language) }) { result ->
            state = result.fold({ opened ->
                editor = opened
                GatheringNewState(form = opened.screen())
            }) { GatheringNewState(error = texts.error(it)) }
        }
    }

    /** She chose a kind, typed in a box. */
    fun edit(edit: GatheringEdit) {
        val form = editor ?: return
        state = state.copy(form = form.edit(edit))
    }

    /** She picked the day (month 1-12) on the picker that started on the form's fields. */
    fun date(year: Int, month: Int, day: Int) = picked { it.copy(year = year, month = month.toUByte(), day = day.toUByte()) }

    /** She picked the time on the picker that started on the form's fields. */
    fun time(hour: Int, minute: Int) = picked { it.copy(hour = hour.toUByte(), minute = minute.toUByte()) }

    /** Hands the picker's fields, as she left them, to the core (which reads them on Vietnam's clock). */
    private fun picked(change: (PickerFields) -> PickerFields) {
        val shown = state.form?.picker ?: return
        edit(GatheringEdit.StartsAt(change(shown)))
    }

    /** Creates the gathering and opens it, or saves the open gathering's details and goes back to it. */
    fun save() {
        val form = editor ?: return
        scope.worker.run({ form.save() }) { result ->
            result.onSuccess { if (gatheringId == null) scope.navigator.replace(Route.Gathering(it.uuid)) else scope.navigator.back() }
            state = state.copy(form = form.screen())
        }
    }
}
