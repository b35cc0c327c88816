package org.branchbook.app.presenter

import java.io.File
import uniffi.branchbook.core.CheckIn
import uniffi.branchbook.CheckInCandidate
import uniffi.branchbook.WalkInEditor
import uniffi.branchbook.core.Attendee
import uniffi.branchbook.core.Gathering
import uniffi.branchbook.core.TextKey
import uniffi.branchbook.core.Totals
import uniffi.branchbook.core.WalkInEdit
import uniffi.branchbook.core.WalkInForm
import uniffi.branchbook.attendeeRow
import uniffi.branchbook.gatheringHeading
import uniffi.branchbook.rosterRow
import uniffi.branchbook.totalsLines

/** A roster member found by the check-in search. */
data class CandidateRow(
    /** The member's id (what a tap checks in). */
    val memberId: String,
    /** Her name. */
    val name: String,
    /** Village, birth year, ethnic group. */
    val detail: String,
    /** Already on the list: the tap does nothing more. */
    val checkedIn: Boolean,
)

/** Someone on the attendee list. */
data class AttendeeRow(
    /** The attendance entry's id (to remove it, or to add a walk-in to the roster). */
    val id: String,
    /** Name. */
    val name: String,
    /** Sex, age group, ethnic group. */
    val detail: String,
    /** Not on the roster: she may be added to it. */
    val walkIn: Boolean,
)

/** What the attendance screen shows. */
data class GatheringState(
    /** True until the gathering is read. */
    val loading: Boolean = true,
    /** Its topic. */
    val title: String = "",
    /** Kind, village, time, facilitator. */
    val details: List<String> = emptyList(),
    /** Open (attendance can change) or closed. */
    val open: Boolean = false,
    /** "In progress" or "Closed". */
    val status: String = "",
    /** What she typed in the roster search. */
    val query: String = "",
    /** Members matching [query], best first. */
    val candidates: List<CandidateRow> = emptyList(),
    /** "Attendees (12)". */
    val attendeesHeading: String = "",
    /** Everyone checked in, in check-in order. */
    val attendees: List<AttendeeRow> = emptyList(),
    /** Shown when no one is checked in yet. */
    val noAttendees: String? = null,
    /** The live totals: everyone, women, men (and sex not recorded when there are any). */
    val totals: List<String> = emptyList(),
    /** Head counts by ethnic group, largest first: "Mông: 7". */
    val byEthnicity: List<String> = emptyList(),
    /** Head counts by age group. */
    val byAgeGroup: List<String> = emptyList(),
    /** "Photos (2)". */
    val photosHeading: String = "",
    /** The photos, by hash, in the order taken. */
    val photos: List<String> = emptyList(),
    /** The walk-in dialog as the core gives it, while it is open. */
    val walkIn: WalkInForm? = null,
    /** A message to show once. */
    val message: String? = null,
    /** True while a photo is being taken in. */
    val busy: Boolean = false,
)

/**
 * A gathering's attendance: search the roster as she types (no accents needed) and
 * check a member in with one tap, add a walk-in from a short dialog, take photos as
 * evidence, watch the totals (women, men, by ethnic group) change with each tap, and
 * close it. The core counts; this shows.
 */
class GatheringPresenter(private val scope: AppScope, private val gatheringId: String) :
    Presenter<GatheringState>(GatheringState()) {
    private var asked = 0
    private var walkInEditor: WalkInEditor? = null

    /** Reads the gathering, its attendees, totals and photos. */
    fun refresh() {
        val texts = scope.texts
        scope.worker.run({
            val core = scope.core
            Loaded(core.gathering(gatheringId), core.attendees(gatheringId), core.gatheringTotals(gatheringId), core.gatheringPhotos(gatheringId).map { it.sha256 })
        }) { result ->
            result.onSuccess { show(it, texts) }.onFailure {
                scope.notice(texts.error(it))
                scope.navigator.back()
            }
        }
    }

    /** She typed in the roster search: members matching [query], with who is already checked in. */
    fun search(query: String) {
        val texts = scope.texts
        val ask = ++asked
        state = state.copy(query = query)
        if (query.isBlank()) {
            state = state.copy(candidates = emptyList())
            return
        }
        scope.worker.run({ scope.core.checkInCandidates(gatheringId, query, CANDIDATES) }) { result ->
            if (ask != asked) return@run
            result.onSuccess { found -> state = state.copy(candidates = found.map(::candidate)) }
                .onFailure { state = state.copy(message = texts.error(it)) }
        }
    }

    /** One tap: checks member [memberId] in (a second tap changes nothing). */
    fun checkIn(memberId: String) = attend({ scope.core.checkIn(gatheringId, memberId) }) {
        copy(candidates = candidates.map { if (it.memberId == memberId) it.copy(checkedIn = true) else it })
    }

    /** Takes attendee [attendeeId] off the list (checked in by mistake). */
    fun remove(attendeeId: String) {
        val texts = scope.texts
        scope.worker.run({
            val totals = scope.core.removeAttendee(gatheringId, attendeeId)
            totals to scope.core.attendees(gatheringId)
        }) { result ->
            result.onSuccess { (totals, attendees) ->
                val memberIds = attendees.mapNotNull { it.memberId }.toSet()
                state = withAttendees(attendees, totals, texts).copy(
                    candidates = state.candidates.map { it.copy(checkedIn = it.memberId in memberIds) },
                )
            }.onFailure { state = state.copy(message = texts.error(it)) }
        }
    }

    /** Opens the walk-in dialog (empty; the core keeps what she types). */
    fun openWalkIn() {
        val dialog = scope.core.walkInEditor(gatheringId, scope.texts.language)
        walkInEditor = dialog
        state = state.copy(walkIn = dialog.screen())
    }

    /** She changed the walk-in dialog: typed or chose a value. */
    fun walkIn(edit: WalkInEdit) {
        val dialog = walkInEditor ?: return
        state = state.copy(walkIn = dialog.edit(edit))
    }

    /** Closes the walk-in dialog without adding anyone. */
    fun cancelWalkIn() {
        walkInEditor = null
        state = state.copy(walkIn = null)
    }

    /** Adds the walk-in; the dialog closes, or stays with what to fix (a name; a birth year or an age group). */
    fun addWalkIn() {
        val dialog = walkInEditor ?: return
        val texts = scope.texts
        scope.worker.run({ dialog.add() }) { result ->
            result.onSuccess { added ->
                walkInEditor = null
                applyCheckIn(added, texts) { copy(walkIn = null) }
            }.onFailure { state = state.copy(walkIn = dialog.screen()) }
        }
    }

    /** Adds walk-in [attendeeId] to the branch's roster (in the gathering's village), to check her in with one tap next time. */
    fun makeMember(attendeeId: String) {
        val texts = scope.texts
        scope.worker.run({
            val village = scope.core.gathering(gatheringId).details.village
            scope.core.makeMember(gatheringId, attendeeId, village)
        }) { result ->
            result.onSuccess { state = state.copy(message = texts[TextKey.COMMON_SAVED]) }
                .onFailure { state = state.copy(message = texts.error(it)) }
        }
    }

    /** The camera wrote a photo of the gathering at [file]: the core takes it in, then the file is deleted. */
    fun photo(file: File) {
        val texts = scope.texts
        state = state.copy(busy = true)
        scope.worker.run({
            try {
                scope.core.attachGatheringPhoto(gatheringId, file.path)
                scope.core.gatheringPhotos(gatheringId).map { it.sha256 }
            } finally {
                file.delete()
            }
        }) { result ->
            state = state.copy(busy = false)
            result.onSuccess { state = withPhotos(it, texts) }.onFailure { state = state.copy(message = texts.error(it)) }
        }
    }

    /** Detaches photo [sha256] (taken by mistake). */
    fun removePhoto(sha256: String) {
        val texts = scope.texts
        scope.worker.run({
            scope.core.detachGatheringPhoto(gatheringId, sha256)
            scope.core.gatheringPhotos(gatheringId).map { it.sha256 }
        }) { result ->
            result.onSuccess { state = withPhotos(it, texts) }.onFailure { state = state.copy(message = texts.error(it)) }
        }
    }

    /** The small JPEG of photo [sha256] (null when it cannot be read). */
    fun thumbnail(sha256: String, done: (ByteArray?) -> Unit) {
        scope.worker.run({ scope.core.photoThumbnail(sha256) }) { done(it.getOrNull()) }
    }

    /** Opens the form that changes this open gathering's kind, topic, village, time, facilitator or notes. */
    fun editDetails() = scope.navigator.open(Route.GatheringEdit(gatheringId))

    /** Closes the gathering (after she confirmed): it is queued for sending and its list can no longer change. */
    fun close() {
        val texts = scope.texts
        scope.worker.run({ scope.core.closeGathering(gatheringId) }) { result ->
            result.onSuccess { g ->
                val heading = gatheringHeading(g, texts.language)
                state = state.copy(open = heading.isOpen, status = heading.status, candidates = emptyList(), query = "", message = texts[TextKey.GATHERING_CLOSED])
            }.onFailure { state = state.copy(message = texts.error(it)) }
        }
    }

    /** The message was shown. */
    fun messageShown() {
        state = state.copy(message = null)
    }

    private fun attend(work: () -> CheckIn, also: GatheringState.() -> GatheringState) {
        val texts = scope.texts
        scope.worker.run(work) { result ->
            result.onSuccess { applyCheckIn(it, texts, also) }.onFailure { state = state.copy(message = texts.error(it)) }
        }
    }

    /** Adds the checked-in person to the list (once) with the totals the core gave back. */
    private fun applyCheckIn(done: CheckIn, texts: Texts, also: GatheringState.() -> GatheringState) {
        val row = attendee(done.attendee, texts)
        val rows = if (state.attendees.any { it.id == row.id }) state.attendees else state.attendees + row
        state = withRows(rows, done.totals, texts).also()
    }

    private fun show(loaded: Loaded, texts: Texts) {
        val heading = gatheringHeading(loaded.gathering, texts.language)
        state = withAttendees(loaded.attendees, loaded.totals, texts).let { withPhotos(loaded.photos, texts, it) }.copy(
            loading = false,
            title = heading.title,
            details = heading.details,
            open = heading.isOpen,
            status = heading.status,
        )
    }

    private fun withAttendees(attendees: List<Attendee>, totals: Totals, texts: Texts) =
        withRows(attendees.map { attendee(it, texts) }, totals, texts)

    private fun withRows(rows: List<AttendeeRow>, totals: Totals, texts: Texts): GatheringState {
        val lines = totalsLines(totals, texts.language)
        return state.copy(
            attendeesHeading = texts.format(TextKey.GATHERING_ATTENDEES, "count" to rows.size),
            attendees = rows,
            noAttendees = if (rows.isEmpty()) texts[TextKey.GATHERING_NO_ATTENDEES] else null,
            totals = listOf(lines.total) + lines.bySex,
            byEthnicity = lines.byEthnicity,
            byAgeGroup = lines.byAgeGroup,
        )
    }

    private fun withPhotos(photos: List<String>, texts: Texts, base: GatheringState = state) =
        base.copy(photos = photos, photosHeading = texts.format(TextKey.GATHERING_PHOTOS, "count" to photos.size))

    private fun candidate(c: CheckInCandidate): CandidateRow {
        val row = rosterRow(c.member)
        return CandidateRow(c.member.id, row.title, row.detail, c.checkedIn)
    }

    private fun attendee(a: Attendee, texts: Texts): AttendeeRow {
        val row = attendeeRow(a, texts.language)
        return AttendeeRow(a.id, row.title, row.detail, a.memberId == null)
    }

    private class Loaded(val gathering: Gathering, val attendees: List<Attendee>, val totals: Totals, val photos: List<String>)

    private companion object {
        val CANDIDATES = 30u
    }
}
