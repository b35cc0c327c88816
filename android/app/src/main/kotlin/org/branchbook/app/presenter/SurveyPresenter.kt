package org.branchbook.app.presenter

import java.io.File
import java.time.Instant
import uniffi.branchbook.FinalizeOutcome
import uniffi.branchbook.SurveySession
import uniffi.branchbook.core.Answer
import uniffi.branchbook.core.AuditLocationRequest
import uniffi.branchbook.core.BranchbookException
import uniffi.branchbook.core.FinalizeProblem
import uniffi.branchbook.core.GeoLineView
import uniffi.branchbook.core.GeoPoint
import uniffi.branchbook.core.JumpTarget
import uniffi.branchbook.core.Language
import uniffi.branchbook.core.Page
import uniffi.branchbook.core.PickerFields
import uniffi.branchbook.core.Question
import uniffi.branchbook.core.QuestionKind
import uniffi.branchbook.core.RankView
import uniffi.branchbook.core.Screen
import uniffi.branchbook.core.ScreenUpdate
import uniffi.branchbook.core.TextKey
import uniffi.branchbook.answerText
import uniffi.branchbook.geoLineView
import uniffi.branchbook.rankView

/** A question as the form screen draws it: the core's question and its answer written for display. */
data class QuestionItem(
    /** The core's question (label, hint, choices, value, required, error...). */
    val question: Question,
    /** The answer written out by the core ([answerText]), or what she typed when the core refused it. */
    val shown: String,
    /** For choice questions: the names chosen now. */
    val chosen: Set<String>,
    /** The core's message for typed text that is not a number (the answer did not change). */
    val typingError: String? = null,
    /** For a rank question: its items numbered in her order, their moves, and the keep button ([rankView]). */
    val rank: RankView? = null,
    /** For a line or shape question: what to do, her points and their length or area, and which buttons are offered ([geoLineView]). */
    val line: GeoLineView? = null,
) {
    /** The message under the question: her typing first, then the form's. */
    val error: String? get() = typingError ?: question.error
}

/** What the form screen shows. */
data class SurveyState(
    /** True until the draft is open. */
    val loading: Boolean = true,
    /** Grows by one each time another page is shown, so the View rebuilds only then. */
    val pageNumber: Int = 0,
    /** The kind of page: questions, the end of a repeat, the end of the form. */
    val page: Page = Page.Questions,
    /** Group and repeat entry the page is in: "Thành viên 2/5 › Sức khỏe". */
    val breadcrumbs: String = "",
    /** The page's heading (a field-list group), if any. */
    val title: String? = null,
    /** The questions of the page, in order. */
    val questions: List<QuestionItem> = emptyList(),
    /** "Đã làm 40%". */
    val progress: String = "",
    /** On a repeat prompt: "“Members” has 2 entries. Add another?". */
    val repeatPrompt: String? = null,
    /** The repeat entry this page shows, when the core lets her remove it (its handle for `removeRepeat`). */
    val removableEntry: String? = null,
    /** Whether Back and Next make sense here. */
    val canGoBack: Boolean = false,
    /** False only on the last page. */
    val canGoNext: Boolean = false,
    /** The label language in use and those the form offers. */
    val language: String = "",
    /** The languages to switch to. */
    val languages: List<Language> = emptyList(),
    /** The jump list, while it is open. */
    val jumpTargets: List<JumpTarget>? = null,
    /** After a refused finalize: what to answer or fix, each with its question to go to. */
    val problems: List<FinalizeProblem>? = null,
    /** The heading of [problems]: "3 questions to answer or fix". */
    val problemsTitle: String? = null,
    /** A short message to show once (the page still has errors, a photo was refused...). */
    val message: String? = null,
    /** True while a photo is being taken in (it can take a second on a cheap phone). */
    val busy: Boolean = false,
    /** The form records where the phone was when it was opened: ask the phone for a fix once, then [SurveyPresenter.startLocation]. */
    val wantsStartLocation: Boolean = false,
    /** The form's `audit` asks where the phone is while the form shows: track at this priority and interval, each fix to [SurveyPresenter.auditLocation]. */
    val auditLocation: AuditLocationRequest? = null,
)

/**
 * Filling a survey: the core's session page by page. Every answer goes to the core at
 * once and is saved there with the draft (autosave); the core decides what is shown,
 * what is required and what is refused, and this presenter only turns her taps into
 * answers and the core's pages into [SurveyState]. Finalizing either stores the
 * survey (and closes the screen) or lists what is missing, each item taking her to its
 * question.
 */
class SurveyPresenter(private val scope: AppScope, private val submissionId: String) :
    Presenter<SurveyState>(SurveyState()) {
    private var session: SurveySession? = null

    /** Text she typed that the core refused (not a number), by question path: kept in its box with the core's message. */
    private val refusedTyping = mutableMapOf<String, Pair<String, String>>()

    /** Opens the draft where she left it. A survey that cannot be opened (deleted, finished) closes the screen. */
    fun open() {
        if (session != null) return
        val texts = scope.texts
        scope.worker.run({
            val s = scope.core.resumeSurvey(submissionId)
            try {
                Opened(s, s.screen(), s.language(), s.languages(), s.wantsStartLocation(), s.auditLocationRequest())
            } catch (e: Exception) {
                s.close()
                throw e
            }
        }) { result ->
            result.onSuccess { opened ->
                session = opened.session
                state = show(opened.screen, texts).copy(
                    loading = false,
                    language = opened.language,
                    languages = opened.languages,
                    wantsStartLocation = opened.wantsStartLocation,
                    auditLocation = opened.auditLocation,
                )
            }.onFailure {
                scope.notice(texts.error(it))
                scope.navigator.back()
            }
        }
    }

    /** Lets go of the session when the screen goes away; the draft is already saved. */
    fun close() {
        val s = session ?: return
        session = null
        scope.worker.run({ s.close() }) { }
    }

    /** She typed in a text or number box: the text goes to the core as typed (it reads numbers, an empty box clears). */
    fun type(path: String, text: String) {
        val s = session ?: return
        val texts = scope.texts
        scope.worker.run({ s.typeAnswer(path, text) }) { result ->
            result.onSuccess { update ->
                if (refusedTyping.remove(path) != null) {
                    // The answer may be unchanged ("3,75" after "3.75"): drop the message anyway.
                    state = state.copy(questions = state.questions.map { if (it.question.path == path) item(it.question, texts) else it })
                }
                apply(update)
            }.onFailure { failure ->
                if (failure is BranchbookException.InvalidInput) refused(path, text, texts.error(failure))
                else state = state.copy(message = texts.error(failure))
            }
        }
    }

    /** She chose [choice] in a single-choice question. */
    fun choose(path: String, choice: String) = answer(path, Answer.Choice(choice))

    /** She ticked or unticked [choice] in a multiple-choice question (the core keeps the form's order). */
    fun toggle(path: String, choice: String) = call({ it.toggleChoice(path, choice) }, ::apply)

    /** She picked a date, a time of day or both: the picker's fields as shown (the core reads them on Vietnam's clock). */
    fun pick(path: String, fields: PickerFields) = call({ it.pick(path, fields) }, ::apply)

    /** The phone found its position ([accuracy] in metres, when the phone knows it). */
    fun location(path: String, latitude: Double, longitude: Double, altitude: Double?, accuracy: Double?) =
        answer(path, Answer.Geopoint(GeoPoint(latitude, longitude, altitude, accuracy)))

    /** The phone found where she stands for the add button of line or shape question [path]: the next point ([accuracy] in metres, when known). */
    fun linePoint(path: String, latitude: Double, longitude: Double, altitude: Double?, accuracy: Double?) =
        call({ it.addLinePoint(path, GeoPoint(latitude, longitude, altitude, accuracy)) }, ::apply)

    /** She took back the last point of line or shape question [path]. */
    fun removeLastPoint(path: String) = call({ it.removeLastLinePoint(path) }, ::apply)

    /** She moved the item at place [from] of rank question [path] to place [to] (from 0, as shown); the same place keeps the order shown as her answer. */
    fun moveRank(path: String, from: Int, to: Int) = call({ it.moveRankItem(path, from.toUInt(), to.toUInt()) }, ::apply)

    /** The screen is asking the phone for the start location: asked once. */
    fun locatingStart() {
        state = state.copy(wantsStartLocation = false)
    }

    /** The phone found where it is as the form opened (the form's `start-geopoint`); no fix: nothing to do, the field stays empty. */
    fun startLocation(latitude: Double, longitude: Double, altitude: Double?, accuracy: Double?) =
        call({ it.setStartLocation(GeoPoint(latitude, longitude, altitude, accuracy)) }) { }

    /**
     * The phone reported where it is ([accuracy] in metres) while an audited form shows: kept for the audit log.
     * A fix the core refuses (off Earth, no accuracy) is the phone's fault, not hers: dropped without a word.
     */
    fun auditLocation(latitude: Double, longitude: Double, accuracy: Double, takenAt: Instant) {
        val s = session ?: return
        scope.worker.run({ s.noteAuditLocation(latitude, longitude, accuracy, takenAt) }) { }
    }

    /** She ticked (or unticked) an acknowledge question. */
    fun acknowledge(path: String, confirmed: Boolean) = if (confirmed) answer(path, Answer.Acknowledged) else clear(path)

    /** The camera wrote a photo for [path] at [file]: the core takes it in (downsized, hashed), then the file is deleted. */
    fun photo(path: String, file: File) = takeIn(file) { it.attachPhoto(path, file.path) }

    /** The phone's recorder wrote a sound or video recording for [path] at [file]: the core checks and keeps it as recorded, then the file is deleted. */
    fun recording(path: String, file: File) = takeIn(file) { it.attachRecording(path, file.path) }

    /** Hands [file] to the core with [work] off the main thread, then deletes it; a refusal becomes the message. */
    private fun takeIn(file: File, work: (SurveySession) -> ScreenUpdate) {
        val s = session ?: return
        val texts = scope.texts
        state = state.copy(busy = true)
        scope.worker.run({
            try {
                work(s)
            } finally {
                file.delete()
            }
        }) { result ->
            state = state.copy(busy = false)
            result.onSuccess(::apply).onFailure { state = state.copy(message = texts.error(it)) }
        }
    }

    /**
     * She photographed the code of a barcode question: the code's text read from the
     * picture's ARGB [pixels] with ZXing, for her box (which gives it to the core as
     * typed, [type]); null, and a message, when the picture holds no readable code.
     */
    fun scanned(pixels: IntArray, width: Int, height: Int): String? {
        val code = QrCodes.decodeAny(pixels, width, height)
        if (code == null) state = state.copy(message = scope.texts[TextKey.FORM_CODE_UNREADABLE])
        return code
    }

    /** The small JPEG of photo [sha256], for the answer preview (null when it cannot be read). */
    fun thumbnail(sha256: String, done: (ByteArray?) -> Unit) {
        scope.worker.run({ scope.core.photoThumbnail(sha256) }) { done(it.getOrNull()) }
    }

    /** The bytes of [name], a picture or recording a label shows (`Question.media`); null when it cannot be read. */
    fun mediaFile(name: String, done: (ByteArray?) -> Unit) {
        val s = session ?: return done(null)
        scope.worker.run({ s.formFile(name) }) { done(it.getOrNull()) }
    }

    /** Removes the answer to [path]. */
    fun clear(path: String) = call({ it.clearAnswer(path) }, ::apply)

    /** Next page; when the page has a missing or refused answer she stays, with the errors shown. */
    fun next() = call({ it.next() }) { turn ->
        val texts = scope.texts
        state = if (turn.moved) show(turn.screen, texts)
        else show(turn.screen, texts, samePage = true).copy(message = texts[TextKey.FORM_PAGE_HAS_ERRORS])
    }

    /** Previous page. */
    fun back() = call({ it.back() }) { state = show(it, scope.texts) }

    /** Opens the list of every question shown now, to jump to one. */
    fun openJumpList() = call({ it.jumpTargets() }) { state = state.copy(jumpTargets = it) }

    /** Closes the jump list (or the list of problems) without moving. */
    fun closeLists() {
        state = state.copy(jumpTargets = null, problems = null, problemsTitle = null)
    }

    /** Goes to the page of question [path] (from the jump list or a finalize problem). */
    fun jump(path: String) = call({ it.jump(path) }) {
        state = show(it, scope.texts).copy(jumpTargets = null, problems = null, problemsTitle = null)
    }

    /** On a repeat prompt: adds an entry and goes to it. */
    fun addRepeat() {
        val prompt = state.page as? Page.RepeatPrompt ?: return
        call({ it.addRepeat(prompt.path) }) { state = show(it, scope.texts) }
    }

    /** Removes the repeat entry this page belongs to, with its answers (after she confirmed). */
    fun removeEntry() {
        val entry = state.removableEntry ?: return
        call({ it.removeRepeat(entry) }) { state = show(it, scope.texts) }
    }

    /** Switches the label language of this survey (saved with the draft). */
    fun language(name: String) = call({ it.setLanguage(name) to it.language() }) { (screen, language) ->
        state = show(screen, scope.texts, samePage = true).copy(language = language)
    }

    /** Finishes the survey: stored and queued for sending (the screen closes), or the list of what is missing. */
    fun finalize() = call({ it.finalize() }) { outcome ->
        val texts = scope.texts
        when (outcome) {
            is FinalizeOutcome.Finalized -> {
                close()
                scope.notice(texts[TextKey.FORM_FINALIZED])
                scope.navigator.back()
            }
            is FinalizeOutcome.NeedsAttention -> state = state.copy(
                problems = outcome.problems,
                problemsTitle = texts.format(TextKey.FORM_MISSING_TITLE, "count" to outcome.problems.size),
            )
        }
    }

    /** Deletes this draft (after she confirmed) and closes the screen. */
    fun deleteDraft() {
        val texts = scope.texts
        close()
        scope.worker.run({ scope.core.deleteDraft(submissionId) }) { result ->
            result.onSuccess { scope.navigator.back() }.onFailure { state = state.copy(message = texts.error(it)) }
        }
    }

    /** The message was shown. */
    fun messageShown() {
        state = state.copy(message = null)
    }

    private fun answer(path: String, answer: Answer) = call({ it.setAnswer(path, answer) }, ::apply)

    /** Runs [work] on the open session, then [then] with its result; a failure becomes the message. */
    private fun <T> call(work: (SurveySession) -> T, then: (T) -> Unit) {
        val s = session ?: return
        val texts = scope.texts
        scope.worker.run({ work(s) }) { result ->
            result.onSuccess(then).onFailure { failure ->
                if (failure is BranchbookException.NotFound) {
                    // The draft vanished (deleted elsewhere): nothing left to fill here.
                    scope.notice(texts.error(failure))
                    scope.navigator.back()
                } else {
                    state = state.copy(message = texts.error(failure))
                }
            }
        }
    }

    /** Applies what changed on the page after an answer: questions drawn again, answers and messages set, the new order. */
    private fun apply(update: ScreenUpdate) {
        if (update.moved) {
            call({ it.screen() }) { state = show(it, scope.texts) }
            return
        }
        val texts = scope.texts
        val known = state.questions.associateBy { it.question.path }
        val changed = update.changed.associateBy { it.path }
        val answers = update.answers.associateBy { it.path }
        val order = update.order ?: state.questions.map { it.question.path }
        state = state.copy(
            questions = order.mapNotNull { path ->
                val now = changed[path]
                    ?: answers[path]?.let { a -> known[path]?.question?.copy(value = a.value, error = a.error) }
                now?.let { item(it, texts) } ?: known[path]
            },
            message = null,
        )
    }

    private fun refused(path: String, text: String, message: String) {
        refusedTyping[path] = text to message
        state = state.copy(
            questions = state.questions.map {
                if (it.question.path == path) it.copy(shown = text, typingError = message) else it
            },
        )
    }

    /** The state for [screen]; [samePage] keeps the page number (the View keeps its widgets). */
    private fun show(screen: Screen, texts: Texts, samePage: Boolean = false): SurveyState {
        if (!samePage) refusedTyping.clear()
        val page = screen.page
        return state.copy(
            loading = false,
            pageNumber = if (samePage) state.pageNumber else state.pageNumber + 1,
            page = page,
            breadcrumbs = screen.breadcrumbs.joinToString(" › ") { it.text },
            title = screen.title,
            questions = screen.questions.map { item(it, texts) },
            progress = texts.format(TextKey.FORM_PROGRESS, "percent" to screen.progressPercent.toInt()),
            repeatPrompt = (page as? Page.RepeatPrompt)?.let {
                texts.format(TextKey.FORM_REPEAT_PROMPT, "count" to it.count, "label" to it.label)
            },
            removableEntry = screen.removableEntry,
            canGoBack = screen.canGoBack,
            canGoNext = screen.canGoNext,
            message = null,
        )
    }

    private fun item(q: Question, texts: Texts): QuestionItem {
        val refused = refusedTyping[q.path]
        val chosen = when (val v = q.value) {
            is Answer.Choice -> setOf(v.name)
            is Answer.Choices -> v.names.toSet()
            else -> emptySet()
        }
        return QuestionItem(
            question = q,
            shown = refused?.first ?: answerText(q, texts.language),
            chosen = chosen,
            typingError = refused?.second,
            rank = if (q.kind == QuestionKind.RANK) rankView(q, texts.language) else null,
            line = if (q.kind == QuestionKind.GEOTRACE || q.kind == QuestionKind.GEOSHAPE) geoLineView(q, texts.language) else null,
        )
    }

    private class Opened(
        val session: SurveySession,
        val screen: Screen,
        val language: String,
        val languages: List<Language>,
        val wantsStartLocation: Boolean,
        val auditLocation: AuditLocationRequest?,
    )
}
