package org.branchbook.app.presenter

import uniffi.branchbook.core.RecordState
import uniffi.branchbook.core.TextKey
import uniffi.branchbook.gatheringListRow

/** What the list of gatherings shows. */
data class GatheringsState(
    /** Gatherings still open (attendance can change), latest first. */
    val open: List<Row> = emptyList(),
    /** Closed ones (waiting to be sent, or sent), latest first. */
    val closed: List<Row> = emptyList(),
    /** Shown when there is none at all. */
    val empty: String? = null,
    /** Why the list could not be read. */
    val error: String? = null,
)

/** The gatherings she held or is holding; from here she starts a new one. */
class GatheringsPresenter(private val scope: AppScope) : Presenter<GatheringsState>(GatheringsState()) {
    /** Reads the lists. */
    fun refresh() {
        val texts = scope.texts
        scope.worker.run({ scope.core.listGatherings(null, 0u, LIMIT) }) { result ->
            state = result.fold(
                { all ->
                    val (open, closed) = all.partition { it.state == RecordState.DRAFT }
                    GatheringsState(
                        open = open.map { gatheringListRow(it, texts.language) },
                        closed = closed.map { gatheringListRow(it, texts.language) },
                        empty = if (all.isEmpty()) texts[TextKey.GATHERINGS_EMPTY] else null,
                    )
                },
                { GatheringsState(error = texts.error(it)) },
            )
        }
    }

    /** Opens gathering [gatheringId]. */
    fun open(gatheringId: String) = scope.navigator.open(Route.Gathering(gatheringId))

    /** Starts a new gathering. */
    fun new() = scope.navigator.open(Route.GatheringNew)

    private companion object {
        val LIMIT = 200u
    }
}
