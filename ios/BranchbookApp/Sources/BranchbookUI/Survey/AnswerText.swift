import BranchbookCore
import Foundation

/// Reads the core's current answer of a question for the widgets (the chosen names, the
/// photo). Written for people, an answer is the core's
/// `answerText(question:language:)`.
enum AnswerText {
    /// The chosen name of a select_one.
    static func choice(_ value: Answer?) -> String? {
        if case .choice(let name) = value {
            return name
        }
        return nil
    }

    /// The chosen names of a select_multiple.
    static func choices(_ value: Answer?) -> [String] {
        if case .choices(let names) = value {
            return names
        }
        return []
    }

    /// The SHA-256 of a photo answer.
    static func photo(_ value: Answer?) -> String? {
        if case .photo(let sha256) = value {
            return sha256
        }
        return nil
    }
}
