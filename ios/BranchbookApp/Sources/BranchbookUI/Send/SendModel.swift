import BranchbookCore
import Foundation
import UIKit

/// Sending: the core's sync pass (pull forms and roster changes, push records in batches,
/// push photos resumably) run on a background thread, with its progress shown as it
/// comes and a button to stop it. It lives as long as the app, so a send goes on while she
/// uses other screens, and iOS gives it time to finish when she leaves the app.
@MainActor
public final class SendModel: ObservableObject {
    /// How the last send ended (the core words both: `syncReportText`, `sendMessage`).
    public enum Outcome {
        case sent(SyncReport)
        case failed(BranchbookError)
    }

    /// Whether a send is under way (the screen shows progress and the stop button).
    @Published public private(set) var running = false
    /// The core's last progress report of the running send.
    @Published public private(set) var progress: SyncProgress?
    /// How the last send ended; nil while one runs or before the first.
    @Published public private(set) var outcome: Outcome?
    /// The core's send screen: enrolled or not, when she last sent, what waits, what the
    /// server refused (and which of it can be corrected), in the app language.
    @Published public private(set) var screen: SendScreen?
    /// The failure to show, in the app language.
    @Published public var error: String?
    let core: Branchbook
    private weak var app: AppModel?
    private var cancel: CancelHandle?
    private var backgroundTask: UIBackgroundTaskIdentifier = .invalid
    private let queue = CoreQueue("send-status")

    init(core: Branchbook, app: AppModel) {
        self.core = core
        self.app = app
    }

    /// Reads what waits to be sent, what the server refused and when she last sent.
    func refresh() async {
        let core = self.core
        let language = app?.language ?? .vi
        do {
            screen = try await queue.run { try core.sendScreen(language: language) }
        } catch {
            self.error = app?.message(for: error)
        }
    }

    /// Starts a send, unless one is running.
    func start() {
        if running {
            return
        }
        let handle = CancelHandle()
        let core = self.core
        cancel = handle
        running = true
        progress = nil
        outcome = nil
        backgroundTask = UIApplication.shared.beginBackgroundTask(withName: "send") {
            handle.cancel()
        }
        let relay = ProgressRelay { [weak self] (progress: SyncProgress) in
            Task { @MainActor in self?.progress = progress }
        }
        Thread.detachNewThread {
            let outcome: Outcome
            do {
                outcome = .sent(try core.sync(observer: relay, cancel: handle))
            } catch let failure as BranchbookError {
                outcome = .failed(failure)
            } catch {
                outcome = .failed(.Storage(reason: "\(error)"))
            }
            Task { @MainActor [weak self] in self?.finish(outcome) }
        }
    }

    /// Stops the running send at its next safe point; what was sent stays sent.
    func stop() {
        cancel?.cancel()
    }

    /// Queues a refused record again.
    func sendAgain(_ refused: RefusedRow) async {
        let core = self.core
        do {
            try await queue.run { try core.sendAgain(recordId: refused.id, revision: refused.revision) }
            await refresh()
        } catch {
            self.error = app?.message(for: error)
        }
    }

    /// Opens a refused survey (as a draft again) or gathering (open again) for her to
    /// correct; finishing it queues the corrected record. Only rows the core marks
    /// `correctable` offer it.
    func correct(_ refused: RefusedRow) async {
        let core = self.core
        let route: Route
        switch refused.kind {
        case .submission:
            route = .survey(submissionId: refused.id)
        case .gathering:
            route = .gathering(id: refused.id)
        default:
            return
        }
        do {
            try await queue.run { try core.reopenRefused(recordId: refused.id, revision: refused.revision) }
            app?.go(route)
            await refresh()
        } catch {
            self.error = app?.message(for: error)
        }
    }

    private func finish(_ outcome: Outcome) {
        self.outcome = outcome
        running = false
        cancel = nil
        if backgroundTask != .invalid {
            UIApplication.shared.endBackgroundTask(backgroundTask)
            backgroundTask = .invalid
        }
        Task { await refresh() }
    }
}

/// Hands the core's progress reports (made on the sending thread) to the send model.
final class ProgressRelay: SyncObserver, @unchecked Sendable {
    private let deliver: (SyncProgress) -> Void

    init(deliver: @escaping (SyncProgress) -> Void) {
        self.deliver = deliver
    }

    func onProgress(progress: SyncProgress) {
        deliver(progress)
    }
}
