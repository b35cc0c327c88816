package org.branchbook.app.presenter

import uniffi.branchbook.HouseholdEditor
import uniffi.branchbook.core.HouseholdEdit
import uniffi.branchbook.core.HouseholdForm

/** What the household form shows: the core's form, and whether it is read or saving. */
data class HouseholdEditState(
    /** The form as the core gives it (values as typed, refused input, message); null until read. */
    val form: HouseholdForm? = null,
    /** Why the household could not be read. */
    val error: String? = null,
    /** True while saving. */
    val saving: Boolean = false,
)

/**
 * Adding or editing a household with its members. The form lives in the core
 * ([HouseholdEditor]): every change she makes goes there as typed, and the core reads
 * birth years, checks the required names and says which input is wrong. Saving makes a
 * new revision (queued for sending) and opens the household.
 */
class HouseholdEditPresenter(private val scope: AppScope, private val householdId: String?) :
    Presenter<HouseholdEditState>(HouseholdEditState()) {
    private var editor: HouseholdEditor? = null

    /** Opens the form on the household as it is now (empty for a new one). */
    fun load() {
        val texts = scope.texts
        scope.worker.run({ scope.core.householdEditor(householdId, texts.language) }) { result ->
            state = result.fold({ opened ->
                editor = opened
                HouseholdEditState(form = opened.screen())
            }) { HouseholdEditState(error = texts.error(it)) }
        }
    }

    /** She typed in a box, chose a value, added or removed a member. */
    fun edit(edit: HouseholdEdit) {
        val form = editor ?: return
        state = state.copy(form = form.edit(edit))
    }

    /** Saves, then shows the household (replacing this form); a refusal stays on the form. */
    fun save() {
        val form = editor ?: return
        state = state.copy(saving = true)
        scope.worker.run({ form.save() }) { result ->
            result.onSuccess { scope.navigator.replace(Route.Household(it.uuid)) }
            state = state.copy(saving = false, form = form.screen())
        }
    }
}
