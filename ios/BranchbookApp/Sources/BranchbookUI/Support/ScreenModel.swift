import BranchbookCore
import Foundation
import SwiftUI

/// What every screen's model is made of: the core, the app (for words and navigation), a
/// queue that runs the screen's core calls off the main thread in order, and the message
/// of the last call that failed (the screen shows it in an alert) with the input the core
/// named in it (the screen marks that input).
@MainActor
class ScreenModel: ObservableObject {
    let core: Branchbook
    let app: AppModel
    /// The failure to show, in the app language; nil when there is none.
    @Published var error: String?
    /// The input the core refused in the last call (and which household member's, by
    /// place), as the core's `InvalidInput` names it; nil after a call that went through.
    @Published private(set) var invalid: RefusedInput?
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
            let done = try await queue.run { try work(core) }
            invalid = nil
            return done
        } catch {
            refused(error)
            self.error = app.message(for: error)
            return nil
        }
    }

    /// Keeps the input `failure` names, when the core refused one.
    func refused(_ failure: Error) {
        if case let BranchbookError.InvalidInput(field, member, _) = failure {
            invalid = RefusedInput(field: field, member: member)
        } else {
            invalid = nil
        }
    }

    /// Whether the last call was refused for `field` (of household member `member`, by
    /// place in the list).
    func refuses(_ field: InputField, member: Int? = nil) -> Bool {
        guard let invalid else {
            return false
        }
        return invalid.field == field && invalid.member.map { place in Int(place) } == member
    }

    /// The note to show under `field` when the core refused it.
    func note(_ field: InputField, member: Int? = nil) -> String? {
        refuses(field, member: member) ? app.t(.errorInvalidInput) : nil
    }

    /// Like `call`, but hands the failure back to the caller instead of showing it.
    func attempt<T>(_ work: @escaping (Branchbook) throws -> T) async throws -> T {
        let core = self.core
        return try await queue.run { try work(core) }
    }
}

/// An input the core refused: which one, and whose when it is a household member's.
struct RefusedInput {
    let field: InputField
    let member: UInt32?
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
