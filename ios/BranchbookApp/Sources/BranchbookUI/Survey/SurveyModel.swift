import BranchbookCore
import CoreLocation
import Foundation
import UIKit

/// A survey being filled: the core's form session, page by page. The core decides
/// everything (which questions show, their labels in the chosen language, what is
/// required, what an answer's error is, where next and back go) and saves the draft after
/// every answer; this model passes her answers in and publishes the page to draw.
@MainActor
final class SurveyModel: ScreenModel {
    let submissionId: String
    @Published private(set) var screen: Screen?
    @Published private(set) var languages: [Language] = []
    @Published private(set) var language = ""
    @Published private(set) var jumpTargets: [JumpTarget] = []
    /// Set when finalizing found answers to fix: the sheet lists them.
    @Published var problems: [FinalizeProblem] = []
    /// Set when "next" stayed because of this page's errors.
    @Published private(set) var pageIncomplete = false
    /// Set when the survey was finalized (or its draft deleted): the screen closes.
    @Published private(set) var finished = false
    /// Text she typed that the core refused (not a number), with the core's message, by
    /// question path: kept in its box until she fixes it or leaves the page.
    @Published private(set) var refused: [String: (text: String, message: String)] = [:]
    /// The form records where the phone was when it was opened (`start-geopoint`): the
    /// view asks CoreLocation once, as the GPS question does.
    @Published private(set) var wantsStartLocation = false
    /// The form's `audit` asks where the phone is while the form shows: the view follows
    /// the position at this priority and hands each fix to `auditLocation`.
    @Published private(set) var auditLocation: AuditLocationRequest?
    private var session: SurveySession?

    init(core: Branchbook, app: AppModel, submissionId: String) {
        self.submissionId = submissionId
        super.init(core: core, app: app, name: "survey")
    }

    /// Opens the session (once) where the draft was left and shows its page.
    func open() async {
        if session != nil {
            return
        }
        let id = submissionId
        session = await call { core in try core.resumeSurvey(submissionId: id) }
        languages = await onSession { session in try session.languages() } ?? []
        language = await onSession { session in try session.language() } ?? ""
        wantsStartLocation = await onSession { session in try session.wantsStartLocation() } ?? false
        auditLocation = await onSession { session in try session.auditLocationRequest() } ?? nil
        await reload()
    }

    /// Runs `work` on the open session off the main thread.
    private func onSession<T>(_ work: @escaping (SurveySession) throws -> T) async -> T? {
        guard let session else {
            return nil
        }
        return await call { _ in try work(session) }
    }

    private func reload() async {
        if let screen = await onSession({ session in try session.screen() }) {
            show(screen)
        }
    }

    private func show(_ screen: Screen) {
        self.screen = screen
        pageIncomplete = false
        refused = [:]
    }

    /// Applies what an answer changed on the page (or redraws it when the answer moved
    /// the session to another page).
    private func apply(_ update: ScreenUpdate) async {
        if update.moved {
            await reload()
            return
        }
        guard var current = screen else {
            return
        }
        var byPath: [String: Question] = [:]
        for question in current.questions {
            byPath[question.path] = question
        }
        for answer in update.answers {
            byPath[answer.path]?.value = answer.value
            byPath[answer.path]?.error = answer.error
        }
        for question in update.changed {
            byPath[question.path] = question
        }
        let order = update.order ?? current.questions.map { question in question.path }
        current.questions = order.compactMap { path in byPath[path] }
        screen = current
    }

    /// Sets an answer (saved by the core at once).
    func answer(_ path: String, _ answer: Answer) async {
        if let update = await onSession({ session in try session.setAnswer(question: path, answer: answer) }) {
            await apply(update)
        }
    }

    /// Sets an answer, or removes it when `answer` is nil (an emptied field, no choice left).
    func set(_ path: String, _ answer: Answer?) async {
        if let answer {
            await self.answer(path, answer)
        } else {
            await clear(path)
        }
    }

    /// She typed in a text or number box: the text goes to the core as typed, on every
    /// change (the core reads numbers, clears an emptied box, and saves at once). Text
    /// that is not a number stays in the box with the core's message.
    func type(_ path: String, _ text: String) async {
        guard let session else {
            return
        }
        do {
            let update = try await attempt { _ in try session.typeAnswer(question: path, text: text) }
            refused[path] = nil
            await apply(update)
        } catch let failure as BranchbookError {
            if case .InvalidInput = failure {
                refused[path] = (text, app.message(for: failure))
            } else {
                error = app.message(for: failure)
            }
        } catch {
            self.error = app.message(for: error)
        }
    }

    /// She picked a date, a time of day or both: the picker's fields as shown (the core
    /// reads them on Vietnam's clock and saves at once).
    func pick(_ path: String, _ fields: PickerFields) async {
        if let update = await onSession({ session in try session.pick(question: path, fields: fields) }) {
            await apply(update)
        }
    }

    /// The phone's position as the next point of line or shape question `path` (the core
    /// checks it and saves the walk so far at once).
    func addLinePoint(_ path: String, _ point: GeoPoint) async {
        if let update = await onSession({ session in try session.addLinePoint(question: path, at: point) }) {
            await apply(update)
        }
    }

    /// She took back the last point of line or shape question `path`.
    func removeLastLinePoint(_ path: String) async {
        if let update = await onSession({ session in try session.removeLastLinePoint(question: path) }) {
            await apply(update)
        }
    }

    /// She moved the item at place `from` of a rank question to place `to` (from 0, as
    /// shown); the same place keeps the order shown as her answer.
    func moveRank(_ path: String, _ from: Int, _ to: Int) async {
        guard from >= 0, to >= 0 else {
            return
        }
        let (from, to) = (UInt32(from), UInt32(to))
        if let update = await onSession({ session in try session.moveRankItem(question: path, from: from, to: to) }) {
            await apply(update)
        }
    }

    /// The phone's position as the form was opened (its `start-geopoint`), handed to the
    /// core once; no fix means nothing is recorded.
    func startLocation(_ point: GeoPoint) async {
        wantsStartLocation = false
        _ = await onSession { session in try session.setStartLocation(at: point) }
    }

    /// A fix the phone took while an audited form shows, kept by the core for the audit
    /// log; a fix it refuses is the phone's, not hers, and is dropped without a word.
    func noteAuditLocation(_ fix: CLLocation) async {
        let (latitude, longitude) = (fix.coordinate.latitude, fix.coordinate.longitude)
        let (accuracy, takenAt) = (fix.horizontalAccuracy, fix.timestamp)
        _ = await onSession { session in
            try session.noteAuditLocation(latitude: latitude, longitude: longitude, accuracy: accuracy, takenAt: takenAt)
        }
    }

    /// She ticked or unticked a choice of a select_multiple (the core keeps the form's order).
    func toggle(_ path: String, _ choice: String) async {
        if let update = await onSession({ session in try session.toggleChoice(question: path, choice: choice) }) {
            await apply(update)
        }
    }

    /// Removes the repeat entry this page shows (the core's `removableEntry`) with its answers.
    func removeEntry() async {
        guard let entry = screen?.removableEntry else {
            return
        }
        if let screen = await onSession({ session in try session.removeRepeat(path: entry) }) {
            show(screen)
        }
    }

    /// Removes an answer.
    func clear(_ path: String) async {
        if let update = await onSession({ session in try session.clearAnswer(question: path) }) {
            await apply(update)
        }
    }

    /// Hands a photo from the camera to the core (which downsizes and stores it) as the
    /// answer to image question `path`.
    func attachPhoto(_ path: String, _ image: UIImage) async {
        guard let file = PhotoFile.write(image) else {
            error = app.t(.errorPhotoUnreadable)
            return
        }
        defer { PhotoFile.remove(file) }
        if let update = await onSession({ session in try session.attachPhoto(question: path, filePath: file.path) }) {
            await apply(update)
        }
    }

    /// Hands the recording the recorder wrote at `file` to the core (which checks it is a
    /// sound or video file of a size it takes, and keeps it) as the answer to `path`; the
    /// file is removed afterwards.
    func attachRecording(_ path: String, _ file: URL) async {
        defer { try? FileManager.default.removeItem(at: file) }
        if let update = await onSession({ session in try session.attachRecording(question: path, filePath: file.path) }) {
            await apply(update)
        }
    }

    /// The small JPEG of a stored photo.
    func thumbnail(_ sha256: String) async -> Data? {
        await call { core in try core.photoThumbnail(sha256: sha256) }
    }

    /// The bytes of `name`, a picture or recording a label shows (`Question.media`).
    func mediaFile(_ name: String) async -> Data? {
        await onSession { session in try session.formFile(name: name) }
    }

    func next() async {
        if let turn = await onSession({ session in try session.next() }) {
            show(turn.screen)
            pageIncomplete = !turn.moved
        }
    }

    func back() async {
        if let screen = await onSession({ session in try session.back() }) {
            show(screen)
        }
    }

    func jump(_ path: String) async {
        if let screen = await onSession({ session in try session.jump(path: path) }) {
            show(screen)
        }
    }

    func addRepeat(_ path: String) async {
        if let screen = await onSession({ session in try session.addRepeat(path: path) }) {
            show(screen)
        }
    }

    /// Switches the label language (kept with the draft).
    func setLanguage(_ name: String) async {
        if let screen = await onSession({ session in try session.setLanguage(language: name) }) {
            language = name
            show(screen)
        }
    }

    func loadJumpTargets() async {
        jumpTargets = await onSession { session in try session.jumpTargets() } ?? []
    }

    /// Finalizes: stored and queued, or the list of what to fix.
    func finalize() async {
        guard let outcome = await onSession({ session in try session.finalize() }) else {
            return
        }
        switch outcome {
        case .finalized:
            finished = true
        case .needsAttention(let problems):
            self.problems = problems
        }
    }

    /// Deletes this draft (and its photos).
    func deleteDraft() async {
        let id = submissionId
        if await call({ core in try core.deleteDraft(submissionId: id) }) != nil {
            finished = true
        }
    }
}
