import BranchbookCore
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
    private var session: SurveySession?
    /// What she typed and the core has not been given yet, by question path.
    private var typed: [String: Answer?] = [:]
    private var typing: Task<Void, Never>?

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
        for question in update.changed {
            byPath[question.path] = question
        }
        current.questions = update.order.compactMap { path in byPath[path] }
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

    /// Keeps what she is typing, handed to the core after a short pause in typing, or
    /// before the page changes, so a keystroke is not a database write.
    func type(_ path: String, _ answer: Answer?) {
        typed[path] = .some(answer)
        typing?.cancel()
        typing = Task {
            try? await Task.sleep(nanoseconds: 400_000_000)
            if !Task.isCancelled {
                await flush()
            }
        }
    }

    /// Hands everything typed so far to the core.
    func flush() async {
        typing?.cancel()
        let pending = typed
        typed = [:]
        for (path, answer) in pending {
            await set(path, answer)
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

    /// The small JPEG of a stored photo.
    func thumbnail(_ sha256: String) async -> Data? {
        await call { core in try core.photoThumbnail(sha256: sha256) }
    }

    func next() async {
        await flush()
        if let turn = await onSession({ session in try session.next() }) {
            show(turn.screen)
            pageIncomplete = !turn.moved
        }
    }

    func back() async {
        await flush()
        if let screen = await onSession({ session in try session.back() }) {
            show(screen)
        }
    }

    func jump(_ path: String) async {
        await flush()
        if let screen = await onSession({ session in try session.jump(path: path) }) {
            show(screen)
        }
    }

    func addRepeat(_ path: String) async {
        await flush()
        if let screen = await onSession({ session in try session.addRepeat(path: path) }) {
            show(screen)
        }
    }

    /// Switches the label language (kept with the draft).
    func setLanguage(_ name: String) async {
        await flush()
        if let screen = await onSession({ session in try session.setLanguage(language: name) }) {
            language = name
            show(screen)
        }
    }

    func loadJumpTargets() async {
        await flush()
        jumpTargets = await onSession { session in try session.jumpTargets() } ?? []
    }

    /// Finalizes: stored and queued, or the list of what to fix.
    func finalize() async {
        await flush()
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
