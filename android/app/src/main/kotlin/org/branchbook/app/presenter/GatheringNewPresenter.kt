package org.branchbook.app.presenter

import java.time.Instant
import java.time.LocalDate
import java.time.LocalDateTime
import java.time.LocalTime
import uniffi.branchbook.core.BranchbookException
import uniffi.branchbook.core.GatheringDetails
import uniffi.branchbook.core.GatheringKind
import uniffi.branchbook.core.InputField
import uniffi.branchbook.formatInstant
import uniffi.branchbook.gatheringKindName
import uniffi.branchbook.gatheringKinds

/** The inputs of the new-gathering form that an error can point at. */
enum class GatheringField { TOPIC, VILLAGE }

/** What the gathering details form shows (a new gathering, or an open one's details). */
data class GatheringNewState(
    /** False until an existing gathering's details are read (the inputs wait for them). */
    val loaded: Boolean = true,
    /** The kinds she can choose, by name, in the core's order. */
    val kinds: List<Pair<GatheringKind, String>> = emptyList(),
    /** The kind chosen. */
    val kind: GatheringKind = GatheringKind.POLICY_DIALOGUE,
    /** Topic (required). */
    val topic: String = "",
    /** Village (required). */
    val village: String = "",
    /** When it starts, on Vietnam's clock (what the date and time pickers show). */
    val startsAt: LocalDateTime = LocalDateTime.MIN,
    /** [startsAt] written out: "12/06/2025 08:30". */
    val startsAtText: String = "",
    /** Who leads it. */
    val facilitator: String = "",
    /** Free notes. */
    val notes: String = "",
    /** The input the error is about. */
    val invalid: GatheringField? = null,
    /** What went wrong. */
    val error: String? = null,
)

/**
 * Starting a gathering: kind, topic, village, date and time (now unless she changes it),
 * who leads it. Creating it opens its attendance screen in place of this form. Given
 * [gatheringId], the same form changes that open gathering's details (a gathering the
 * server refused for its date, reopened from the send screen) and goes back to it.
 */
class GatheringNewPresenter(private val scope: AppScope, now: Instant = Instant.now(), private val gatheringId: String? = null) :
    Presenter<GatheringNewState>(GatheringNewState()) {
    init {
        val texts = scope.texts
        state = GatheringNewState(loaded = gatheringId == null, kinds = gatheringKinds().map { it to gatheringKindName(it, texts.language) })
            .withStart(LocalDateTime.ofInstant(now, VIETNAM_CLOCK).withSecond(0).withNano(0))
        gatheringId?.let(::load)
    }

    private fun load(id: String) {
        val texts = scope.texts
        scope.worker.run({ scope.core.gathering(id).details }) { result ->
            state = result.map { d ->
                state.copy(loaded = true, kind = d.kind, topic = d.topic, village = d.village, facilitator = d.facilitator, notes = d.notes)
                    .withStart(LocalDateTime.ofInstant(d.startsAt, VIETNAM_CLOCK))
            }.getOrElse { state.copy(error = texts.error(it)) }
        }
    }

    /** She chose a kind. */
    fun kind(kind: GatheringKind) = edit { copy(kind = kind) }

    /** She typed the topic. */
    fun topic(text: String) = edit { copy(topic = text) }

    /** She typed the village. */
    fun village(text: String) = edit { copy(village = text) }

    /** She typed the facilitator's name. */
    fun facilitator(text: String) = edit { copy(facilitator = text) }

    /** She typed notes. */
    fun notes(text: String) = edit { copy(notes = text) }

    /** She picked the day (month 1-12). */
    fun date(year: Int, month: Int, day: Int) = edit { withStart(LocalDateTime.of(LocalDate.of(year, month, day), startsAt.toLocalTime())) }

    /** She picked the time. */
    fun time(hour: Int, minute: Int) = edit { withStart(LocalDateTime.of(startsAt.toLocalDate(), LocalTime.of(hour, minute))) }

    /** Creates the gathering and opens it, or saves the open gathering's details and goes back to it. */
    fun save() {
        val texts = scope.texts
        val s = state
        if (!s.loaded) return
        val details = GatheringDetails(s.kind, s.topic, s.village, s.startsAt.toInstant(VIETNAM_CLOCK), s.facilitator, s.notes)
        val id = gatheringId
        scope.worker.run({ if (id == null) scope.core.createGathering(details) else scope.core.updateGathering(id, details) }) { result ->
            result.onSuccess { if (id == null) scope.navigator.replace(Route.Gathering(it.uuid)) else scope.navigator.back() }.onFailure { failure ->
                val field = when ((failure as? BranchbookException.InvalidInput)?.field) {
                    is InputField.Topic -> GatheringField.TOPIC
                    is InputField.Village -> GatheringField.VILLAGE
                    else -> null
                }
                state = state.copy(invalid = field, error = texts.error(failure))
            }
        }
    }

    private fun edit(change: GatheringNewState.() -> GatheringNewState) {
        state = state.change().copy(invalid = null, error = null)
    }

    private fun GatheringNewState.withStart(at: LocalDateTime) =
        copy(startsAt = at, startsAtText = formatInstant(at.toInstant(VIETNAM_CLOCK), scope.texts.language))
}
