package org.branchbook.app.presenter

import java.io.File
import uniffi.branchbook.AttendanceEditor
import uniffi.branchbook.WalkInEditor
import uniffi.branchbook.core.AttendanceScreen
import uniffi.branchbook.core.TextKey
import uniffi.branchbook.core.WalkInEdit
import uniffi.branchbook.core.WalkInForm

/** What the attendance screen shows. */
data class GatheringState(
    /** The screen as the core gives it (heading, search results, attendees, totals, photos, what she can do); null until read. */
    val screen: AttendanceScreen? = null,
    /** The walk-in dialog as the core gives it, while it is open. */
    val walkIn: WalkInForm? = null,
    /** A message to show once. */
    val message: String? = null,
)

/**
 * A gathering's attendance: search the roster as she types (no accents needed) and
 * check a member in with one tap, add a walk-in from a short dialog, take photos as
 * evidence, watch the totals (women, men, by ethnic group) change with each tap, and
 * close it. The screen lives in the core ([AttendanceEditor]): it keeps the list in
 * check-in order, counts, marks who is in and says which actions she has; this shows.
 */
class GatheringPresenter(private val scope: AppScope, private val gatheringId: String) :
    Presenter<GatheringState>(GatheringState()) {
    private var editor: AttendanceEditor? = null
    private var walkInEditor: WalkInEditor? = null

    /** Reads the gathering, its attendees, totals and photos (again, when she comes back to it). */
    fun refresh() {
        val texts = scope.texts
        val open = editor
        scope.worker.run({
            val opened = open ?: scope.core.attendanceEditor(gatheringId, texts.language)
            opened to (if (open == null) opened.screen() else opened.refresh())
        }) { result ->
            result.onSuccess { (opened, screen) ->
                editor = opened
                state = state.copy(screen = screen)
            }.onFailure {
                scope.notice(texts.error(it))
                scope.navigator.back()
            }
        }
    }

    /** She typed in the roster search: members matching [query], with who is already checked in. */
    fun search(query: String) = act { it.search(query) }

    /** One tap: checks member [memberId] in (a second tap changes nothing). */
    fun checkIn(memberId: String) = act { it.checkIn(memberId) }

    /** Takes attendee [attendeeId] off the list (checked in by mistake). */
    fun remove(attendeeId: String) = act { it.remove(attendeeId) }

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
        val screen = editor ?: return
        scope.worker.run({
            dialog.add()
            screen.refresh()
        }) { result ->
            result.onSuccess {
                walkInEditor = null
                state = state.copy(screen = it, walkIn = null)
            }.onFailure { state = state.copy(walkIn = dialog.screen()) }
        }
    }

    /** Adds walk-in [attendeeId] to the branch's roster (in the gathering's village), to check her in with one tap next time. */
    fun makeMember(attendeeId: String) = act({ copy(message = scope.texts[TextKey.COMMON_SAVED]) }) { it.makeMember(attendeeId) }

    /** The camera is about to give a photo: the core holds the photo button until it is taken in. */
    fun takingPhoto() {
        val screen = editor ?: return
        state = state.copy(screen = screen.takingPhoto())
    }

    /** The camera wrote a photo of the gathering at [file] (null: she took none): the core takes it in, then the file is deleted. */
    fun photo(file: File?) {
        val screen = editor ?: return
        if (file == null) {
            state = state.copy(screen = screen.noPhoto())
            return
        }
        val texts = scope.texts
        scope.worker.run({
            try {
                screen.attachPhoto(file.path)
            } finally {
                file.delete()
            }
        }) { result ->
            state = result.fold({ state.copy(screen = it) }) { state.copy(screen = screen.screen(), message = texts.error(it)) }
        }
    }

    /** Detaches photo [sha256] (taken by mistake). */
    fun removePhoto(sha256: String) = act { it.removePhoto(sha256) }

    /** The small JPEG of photo [sha256] (null when it cannot be read). */
    fun thumbnail(sha256: String, done: (ByteArray?) -> Unit) {
        scope.worker.run({ scope.core.photoThumbnail(sha256) }) { done(it.getOrNull()) }
    }

    /** Opens the form that changes this open gathering's kind, topic, village, time, facilitator or notes. */
    fun editDetails() = scope.navigator.open(Route.GatheringEdit(gatheringId))

    /** Closes the gathering (after she confirmed): it is queued for sending and its list can no longer change. */
    fun close() = act({ copy(message = scope.texts[TextKey.GATHERING_CLOSED]) }) { it.closeGathering() }

    /** The message was shown. */
    fun messageShown() {
        state = state.copy(message = null)
    }

    /** Runs [work] on the screen off the UI thread; its screen is shown ([then] adds to the state), a refusal becomes the message. */
    private fun act(then: GatheringState.() -> GatheringState = { this }, work: (AttendanceEditor) -> AttendanceScreen) {
        val screen = editor ?: return
        val texts = scope.texts
        scope.worker.run({ work(screen) }) { result ->
            state = result.fold({ state.copy(screen = it).then() }) { state.copy(message = texts.error(it)) }
        }
    }
}
