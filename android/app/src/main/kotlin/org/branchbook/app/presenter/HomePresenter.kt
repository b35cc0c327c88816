package org.branchbook.app.presenter

import uniffi.branchbook.core.ReturnedRow

/** What the home screen shows: the core's home screen ([uniffi.branchbook.core.HomeScreen]), already in her language. */
data class HomeState(
    /** Her branch (or account), once known. */
    val heading: String? = null,
    /** "Last sent: ..." on Vietnam's clock, once a send has gone through. */
    val lastSent: String? = null,
    /** Shown when the phone is not connected to a server yet (she can still work). */
    val notEnrolled: String? = null,
    /** The counts, one line each: unfinished, ready to send, sent. */
    val counts: List<String> = emptyList(),
    /** "Need attention: 2" when the server refused records (a tap opens sending); null when nothing needs her. */
    val attention: String? = null,
    /** Unfinished surveys, most recent first: a tap continues one. */
    val drafts: List<Row> = emptyList(),
    /** Gatherings still open: a tap goes back to one. */
    val openGatherings: List<Row> = emptyList(),
    /** Surveys an officer sent back, each with the decision, its time and the officer's comment. */
    val returned: List<ReturnedRow> = emptyList(),
    /** The heading over [returned]. */
    val returnedHeading: String = "",
    /** The label of the action that corrects a returned survey. */
    val correctAction: String = "",
    /** Why the data could not be read, if it could not. */
    val error: String? = null,
)

/**
 * Home: the core's home screen (her branch, the counts, the attention line, the surveys
 * and gatherings she left unfinished, the surveys an officer sent back) and the three jobs.
 */
class HomePresenter(private val scope: AppScope) : Presenter<HomeState>(HomeState()) {
    /** Reads everything again (on showing the screen, after a send). */
    fun refresh() {
        val texts = scope.texts
        scope.worker.run({ scope.core.homeScreen(texts.language) }) { result ->
            state = result.map {
                HomeState(
                    it.heading, it.lastSent, it.notEnrolled, it.counts, it.attention, it.drafts, it.openGatherings,
                    it.returned, it.returnedHeading, it.correctAction,
                )
            }.getOrElse { HomeState(error = texts.error(it)) }
        }
    }

    /** Continues draft survey [submissionId] where she left it. */
    fun openDraft(submissionId: String) = scope.navigator.open(Route.Survey(submissionId))

    /**
     * Corrects returned survey [submissionId]: a new draft revision with its answers (the
     * sent one stays on the server until the correction is sent), opened for her to change.
     */
    fun correct(submissionId: String) {
        val texts = scope.texts
        scope.worker.run({ scope.core.editSubmission(submissionId).use { it.submissionId() } }) { result ->
            result.onSuccess { scope.navigator.open(Route.Survey(it)) }
                .onFailure { state = state.copy(error = texts.error(it)) }
        }
    }

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
}
