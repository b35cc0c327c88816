package org.branchbook.app.presenter

import uniffi.branchbook.core.Gathering
import uniffi.branchbook.core.RecordState
import uniffi.branchbook.core.TextKey
import uniffi.branchbook.formatInstant
import uniffi.branchbook.gatheringKindName

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
                        open = open.map { gatheringRow(it, texts) },
                        closed = closed.map { gatheringRow(it, texts) },
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

/** A gathering in a list: its topic, then kind, village, time and head count. */
internal fun gatheringRow(g: Gathering, texts: Texts): Row = Row(
    g.uuid,
    g.details.topic,
    listOf(
        gatheringKindName(g.details.kind, texts.language),
        g.details.village,
        formatInstant(g.details.startsAt, texts.language),
        texts.format(TextKey.GATHERING_ATTENDEES, "count" to g.attendeeCount),
    ).joinToString(" · "),
)
