package org.branchbook.app.presenter

import uniffi.branchbook.core.Household
import uniffi.branchbook.core.VisitRow
import uniffi.branchbook.core.TextKey
import uniffi.branchbook.formatInstant
import uniffi.branchbook.memberRow

/** What a household's page shows. */
data class HouseholdState(
    /** The head's name. */
    val title: String = "",
    /** Village, address and notes, one line each (empty ones left out). */
    val details: List<String> = emptyList(),
    /** "Members (3)". */
    val membersHeading: String = "",
    /** One row per member: her name, then sex, birth year, ethnic group and relation (the core's row). */
    val members: List<Row> = emptyList(),
    /** Surveys filled as visits, newest first. */
    val visits: List<VisitRow> = emptyList(),
    /** Shown when there is no visit yet. */
    val noVisits: String? = null,
    /** Every revision, newest first: "Revision 2, 12/06/2025 09:05". */
    val revisions: List<String> = emptyList(),
    /** Archived households are out of lists and search. */
    val archived: Boolean = false,
    /** Why something failed. */
    val error: String? = null,
)

/**
 * One household: its members, its visits (continue a draft, edit a finished one), its
 * change history; edit it, archive it, or start a survey as a visit to it.
 */
class HouseholdPresenter(private val scope: AppScope, private val householdId: String) :
    Presenter<HouseholdState>(HouseholdState()) {
    private var revision: UInt = 0u

    /** Reads the household, its visits and revisions. */
    fun refresh() {
        val texts = scope.texts
        scope.worker.run({
            val core = scope.core
            Triple(
                core.household(householdId),
                core.householdVisitRows(householdId, 0u, VISITS_SHOWN, texts.language),
                core.householdRevisions(householdId),
            )
        }) { result ->
            state = result.fold({ (household, visits, revisions) -> show(household, visits, revisions, texts) }) {
                state.copy(error = texts.error(it))
            }
        }
    }

    /** Opens the edit form. */
    fun edit() = scope.navigator.open(Route.HouseholdEdit(householdId))

    /** Starts a survey as a visit to this household (choosing the form first). */
    fun startSurvey() = scope.navigator.open(Route.FormPicker(householdId))

    /** Continues draft visit [submissionId]. */
    fun continueVisit(submissionId: String) = scope.navigator.open(Route.Survey(submissionId))

    /** Opens finished visit [submissionId] for a change: a new draft revision (the finished one stays until it is finished). */
    fun editVisit(submissionId: String) {
        val texts = scope.texts
        scope.worker.run({ scope.core.editSubmission(submissionId).use { it.submissionId() } }) { result ->
            result.onSuccess { scope.navigator.open(Route.Survey(it)) }
                .onFailure { state = state.copy(error = texts.error(it)) }
        }
    }

    /** Archives the household, or brings it back. */
    fun toggleArchived() {
        val texts = scope.texts
        val archive = !state.archived
        scope.worker.run({ scope.core.setHouseholdArchived(householdId, revision, archive) }) { result ->
            result.onSuccess { refresh() }.onFailure { state = state.copy(error = texts.error(it)) }
        }
    }

    private fun show(h: Household, visits: List<VisitRow>, revisions: List<Household>, texts: Texts): HouseholdState {
        revision = h.revision
        val b = h.body
        return HouseholdState(
            title = b.headName,
            details = listOf(b.village, b.address, b.notes).filter { it.isNotBlank() },
            membersHeading = texts.format(TextKey.HOUSEHOLD_MEMBERS, "count" to b.members.size),
            members = b.members.map { memberRow(it, texts.language) },
            visits = visits,
            noVisits = if (visits.isEmpty()) texts[TextKey.HOUSEHOLD_NO_VISITS] else null,
            revisions = revisions.map {
                texts.format(
                    TextKey.HOUSEHOLD_REVISION_ON,
                    "revision" to it.revision,
                    "date" to formatInstant(it.createdAt, texts.language),
                )
            },
            archived = b.archived,
        )
    }

    private companion object {
        val VISITS_SHOWN = 100u
    }
}
