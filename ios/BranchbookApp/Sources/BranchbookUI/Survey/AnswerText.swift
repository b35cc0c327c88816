import BranchbookCore
import Foundation

/// Reads the core's current answer of a question for the widgets (the text in a field,
/// the chosen names, the date on a picker) and writes it for people where a question is
/// read-only. Dates and instants are written by the core's own formatters.
enum AnswerText {
    /// The text a text or number field shows.
    static func text(_ value: Answer?) -> String {
        switch value {
        case .text(let text):
            return text
        case .integer(let number):
            return String(number)
        case .decimal(let number):
            return String(number)
        default:
            return ""
        }
    }

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

    /// The instant a date, time or date-time picker shows.
    static func date(_ value: Answer?) -> Date? {
        switch value {
        case .date(let day):
            return VietnamClock.date(of: day)
        case .time(let time):
            return VietnamClock.date(of: time)
        case .dateTime(let instant):
            return instant
        default:
            return nil
        }
    }

    /// The SHA-256 of a photo answer.
    static func photo(_ value: Answer?) -> String? {
        if case .photo(let sha256) = value {
            return sha256
        }
        return nil
    }

    /// The answer of `question` as a person reads it (choices by their labels).
    static func describe(_ question: Question, language: UiLanguage) -> String {
        switch question.value {
        case .none:
            return uiText(key: .commonNotRecorded, language: language)
        case .choice(let name):
            return label(of: name, in: question)
        case .choices(let names):
            return names.map { name in label(of: name, in: question) }.joined(separator: ", ")
        case .date(let day):
            return formatDate(date: day, language: language)
        case .time(let time):
            return String(format: "%02d:%02d", time.hour, time.minute)
        case .dateTime(let instant):
            return formatInstant(at: instant, language: language)
        case .geopoint(let point):
            return String(format: "%.6f, %.6f", point.latitude, point.longitude)
        case .acknowledged:
            return uiText(key: .formAcknowledge, language: language)
        case .photo:
            return ""
        case .some(let other):
            return text(other)
        }
    }

    private static func label(of name: String, in question: Question) -> String {
        question.choices.first(where: { choice in choice.name == name })?.label ?? name
    }
}
