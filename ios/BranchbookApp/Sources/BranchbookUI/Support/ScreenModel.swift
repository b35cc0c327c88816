import BranchbookCore
import Foundation
import SwiftUI

/// What every screen's model is made of: the core, the app (for words and navigation), a
/// queue that runs the screen's core calls off the main thread in order, and the message
/// of the last call that failed (the screen shows it in an alert). The forms' refused
/// inputs are marked from the core's form state (`HouseholdForm.invalid`, ...).
@MainActor
class ScreenModel: ObservableObject {
    let core: Branchbook
    let app: AppModel
    /// The failure to show, in the app language; nil when there is none.
    @Published var error: String?
    private let queue: CoreQueue

    init(core: Branchbook, app: AppModel, name: String) {
        self.core = core
        self.app = app
        queue = CoreQueue(name)
    }

    /// Runs `work` with the core off the main thread. A failure becomes the screen's
    /// `error` and gives nil; nothing the core refused is half done (every write is one
    /// transaction in the core).
    func call<T>(_ work: @escaping (Branchbook) throws -> T) async -> T? {
        let core = self.core
        do {
            return try await queue.run { try work(core) }
        } catch {
            self.error = app.message(for: error)
            return nil
        }
    }

    /// Like `call`, but hands the failure back to the caller instead of showing it.
    func attempt<T>(_ work: @escaping (Branchbook) throws -> T) async throws -> T {
        let core = self.core
        return try await queue.run { try work(core) }
    }
}

/// The core's note under an input it refused (nothing when it did not).
@MainActor
struct InputNote: View {
    let text: String?

    var body: some View {
        if let text {
            Text(text).font(.caption).foregroundColor(.red)
        }
    }
}
