import Foundation

/// A serial queue for calls into the core. Screens call the core off the main thread, so a
/// slow call (a photo, a long list, a busy database) never freezes the UI; one queue per
/// screen model keeps that screen's calls in the order they were made (two answers typed
/// quickly are saved in that order).
final class CoreQueue: @unchecked Sendable {
    private let queue: DispatchQueue

    init(_ label: String) {
        queue = DispatchQueue(label: "org.branchbook.core." + label, qos: .userInitiated)
    }

    /// Runs `work` on the queue and hands its result (or its error) back to the caller.
    func run<T>(_ work: @escaping () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, Error>) in
            queue.async {
                do {
                    continuation.resume(returning: try work())
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
    }
}
