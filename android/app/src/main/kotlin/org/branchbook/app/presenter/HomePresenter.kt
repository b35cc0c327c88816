package org.branchbook.app.presenter

import uniffi.branchbook.core.RecordState
import uniffi.branchbook.core.SubmissionFilter
import uniffi.branchbook.core.TextKey
import uniffi.branchbook.formatInstant

/** What the home screen shows. */
data class HomeState(
    /** Her branch (or account), once the phone is enrolled. */
    val heading: String? = null,
    /** "Last sent: ..." on Vietnam's clock, once a send has gone through. */
    val lastSent: String? = null,
    /** Shown when the phone is not connected to a server yet (she can still work). */
    val notEnrolled: String? = null,
    /** The counts, one line each: drafts, ready to send, sent, needing attention. */
    val counts: List<String> = emptyList(),
    /** Unfinished surveys, most recent first: a tap continues one. */
    val drafts: List<Row> = emptyList(),
    /** Gatherings still open: a tap goes back to one. */
    val openGatherings: List<Row> = emptyList(),
    /** Why the data could not be read, if it could not. */
    val error: String? = null,
)

/**
 * Home: her branch, the counts (drafts, ready to send, sent, needing attention), the
 * surveys and gatherings she left unfinished, and the three jobs.
 */
class HomePresenter(private val scope: AppScope) : Presenter<HomeState>(HomeState()) {
    /** Reads everything again (on showing the screen, after a send). */
    fun refresh() {
        val texts = scope.texts
        scope.worker.run({
            val core = scope.core
            val counts = core.homeCounts()
            val titles = core.listForms(true).associate { it.formId to it.title }
            val drafts = core.listSubmissions(SubmissionFilter(state = RecordState.DRAFT), 0u, DRAFTS_SHOWN)
            val gatherings = core.listGatherings(RecordState.DRAFT, 0u, DRAFTS_SHOWN)
            // Her branch as the server named it at enrollment, else the account she was given.
            val branch = core.enrollment()?.branchName ?: core.account()
            HomeState(
                heading = branch?.let { texts.format(TextKey.HOME_BRANCH, "branch" to it) },
                lastSent = texts.lastSent(core.lastSync()),
                notEnrolled = if (branch == null) texts[TextKey.HOME_NOT_ENROLLED] else null,
                counts = listOf(
                    texts.format(TextKey.HOME_DRAFTS, "count" to counts.surveyDrafts + counts.openGatherings),
                    texts.format(TextKey.HOME_READY, "count" to counts.surveysReady + counts.gatheringsReady),
                    texts.format(TextKey.HOME_SENT, "count" to counts.surveysSent),
                    texts.format(TextKey.HOME_ATTENTION, "count" to counts.needsAttention),
                ),
                drafts = drafts.map { surveyRow(it, titles, texts) },
                openGatherings = gatherings.map {
                    Row(it.uuid, it.details.topic, it.details.village + " · " + formatInstant(it.details.startsAt, texts.language))
                },
            )
        }) { result ->
            state = result.getOrElse { HomeState(error = texts.error(it)) }
        }
    }

    /** Continues draft survey [submissionId] where she left it. */
    fun openDraft(submissionId: String) = scope.navigator.open(Route.Survey(submissionId))

    /** Goes back to open gathering [gatheringId]. */
    fun openGathering(gatheringId: String) = scope.navigator.open(Route.Gathering(gatheringId))

    /** The first job: find or add a household and survey it. */
    fun visitHousehold() = scope.navigator.open(Route.Households)

    /** The second job: hold a gathering and take attendance. */
    fun holdGathering() = scope.navigator.open(Route.Gatherings)

    /** The third job: send what waits. */
    fun send() = scope.navigator.open(Route.Send)

    /** Connects the phone to the server. */
    fun enroll() = scope.navigator.open(Route.Enroll)

    /** Languages, storage, about. */
    fun settings() = scope.navigator.open(Route.Settings)

    private companion object {
        val DRAFTS_SHOWN = 50u
    }
}
