package org.branchbook.app.presenter

import uniffi.branchbook.core.FormRow
import uniffi.branchbook.core.TextKey

/** What the form list shows. */
data class FormPickerState(
    /** One row per form (its newest version), as the core writes it: title, then id and version or what it still waits for; only a ready one starts. */
    val forms: List<FormRow> = emptyList(),
    /** Shown when the phone has no form yet. */
    val empty: String? = null,
    /** Why the list could not be read or the survey not started. */
    val error: String? = null,
)

/**
 * Choosing the form of a new survey (as a visit to a household when one is given). The
 * survey starts in the label language chosen in the settings, or the form's default,
 * and its draft is saved at once.
 */
class FormPickerPresenter(private val scope: AppScope, private val householdId: String?) :
    Presenter<FormPickerState>(FormPickerState()) {
    /** Reads the forms on the phone. */
    fun refresh() {
        val texts = scope.texts
        scope.worker.run({ scope.core.formRows(texts.language) }) { result ->
            state = result.fold(
                { forms ->
                    FormPickerState(
                        forms = forms,
                        empty = if (forms.isEmpty()) texts[TextKey.FORMS_EMPTY] else null,
                    )
                },
                { FormPickerState(error = texts.error(it)) },
            )
        }
    }

    /** Starts a survey with form [formId] and opens it in place of this list. */
    fun start(formId: String) {
        val texts = scope.texts
        val language = scope.preferences.formLanguage
        // The core starts it in the preferred language when this form has it, else in the form's default.
        scope.worker.run({ scope.core.startSurvey(formId, null, householdId, language).use { it.submissionId() } }) { result ->
            result.onSuccess { scope.navigator.replace(Route.Survey(it)) }
                .onFailure { state = state.copy(error = texts.error(it)) }
        }
    }
}
