"""Tests of check_core_calls.py against the real generated bindings: a snippet using the
core correctly passes and its core calls are listed; each small bad snippet (a misspelled
method, a wrong argument label, a case or field that does not exist, a missing `try`,
a misspelled core type, a caught error case that does not exist, a switch over a core
enum that misses a case, a protocol or callback interface implemented with the wrong
labels) fails
with a message naming the problem.

Usage: test_check_core_calls.py [BranchbookCore.swift BranchbookTypes.swift]
(default: the bindings core/bindgen/generate.sh writes into ios/).
"""

import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(__file__))
import unit  # noqa: E402
import check_core_calls  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BINDINGS = [os.path.join(ROOT, "ios/BranchbookCore/Sources/BranchbookCore", name)
            for name in ("BranchbookCore.swift", "BranchbookTypes.swift")]
PLATFORM = check_core_calls.load_platform(os.path.join(os.path.dirname(__file__), "platform_names.txt"))

# The shape of the app's code: a model holding the core, calling it in closures, a view
# rendering the core's records. Each bad snippet below is this with one mistake.
GOOD = """
import BranchbookCore
import SwiftUI

@MainActor
final class Model: ObservableObject {
    let core: Branchbook
    @Published var screen: Screen?
    @Published var counts: HomeCounts?
    private var session: SurveySession?

    init(core: Branchbook) {
        self.core = core
    }

    func call<T>(_ work: @escaping (Branchbook) throws -> T) async -> T? {
        try? work(core)
    }

    func load() async {
        counts = await call { core in try core.homeCounts() }
        let forms = await call { core in try core.listForms(latestOnly: true) } ?? []
        for form in forms where !form.languages.isEmpty {
            print(form.title, form.languages.first?.name ?? "")
        }
        let drafts = try? core.listSubmissions(filter: SubmissionFilter(state: .draft), offset: 0, limit: 10)
        print(drafts?.first?.title ?? "")
    }

    func answer(_ path: String) throws {
        guard let session else {
            return
        }
        let update = try session.setAnswer(question: path, answer: .text(value: "Thào Thị Dợ"))
        if update.moved {
            screen = try session.screen()
        }
        _ = try session.setAnswer(question: path, answer: .date(value: CalendarDate(year: 2025, month: 6, day: 12)))
        switch try session.finalize() {
        case .finalized(let submission):
            print(submission.uuid)
        case .needsAttention(let problems):
            print(problems.map { $0.question })
        }
    }

    func send(cancel: CancelHandle) -> String {
        do {
            let report = try core.sync(observer: Relay(), cancel: cancel)
            return String(report.recordsStored)
        } catch BranchbookError.DeviceRevoked {
            return uiText(key: .sendRevoked, language: .vi)
        } catch {
            return explain(error)
        }
    }

    func explain(_ error: Error) -> String {
        if case BranchbookError.NotFound(let what, id: _) = error {
            return what
        }
        if let failure = error as? BranchbookError {
            return failure.userMessage(language: .vi)
        }
        return uiText(key: .errorStorage, language: .en)
    }
}

final class Relay: SyncObserver {
    func onProgress(progress: SyncProgress) {
        print(progress.itemsDone)
    }
}

struct Page: View {
    @ObservedObject var model: Model

    var body: some View {
        if let screen = model.screen {
            switch screen.page {
            case .questions:
                ForEach(screen.questions, id: \\.path) { question in
                    Text(question.label)
                }
            case .repeatPrompt(let path, let label, _):
                Text(path + label)
            case .end:
                Text(uiFormat(key: .formProgress, language: .vi, args: ["percent": String(screen.progressPercent)]))
            }
        }
    }
}
"""


def run(snippet):
    """Checks `snippet` as the app's one file; returns (problems, calls)."""
    report = check_core_calls.check(BINDINGS, ["App.swift"], PLATFORM, app_data=[snippet.encode()])
    return report.problems, [c.split(": ", 1)[1] for c in report.calls]


def with_mistake(old, new):
    assert old in GOOD, old
    return GOOD.replace(old, new, 1)


class GoodCode(unittest.TestCase):
    def test_passes_and_lists_every_kind_of_core_use(self):
        problems, calls = run(GOOD)
        self.assertEqual(problems, [])
        for expected in [
            "Branchbook.homeCounts()",
            "Branchbook.listForms(latestOnly:)",
            "Branchbook.listSubmissions(filter:offset:limit:)",
            "SubmissionFilter.init(formId:state:household:)",
            "RecordState.draft",
            "FormSummary.languages",
            "Language.name",
            "SurveySession.setAnswer(question:answer:)",
            "Answer.text",
            "CalendarDate.init(year:month:day:)",
            "ScreenUpdate.moved",
            "FinalizeOutcome.finalized",
            "FinalizeProblem.question",
            "BranchbookError.NotFound",
            "BranchbookError.userMessage(language:)",
            "uiText(key:language:)",
            "TextKey.errorStorage",
            "Page.repeatPrompt",
            "Question.path",
            "Question.label",
            "Screen.progressPercent",
            "Branchbook.sync(observer:cancel:)",
            "Relay implements SyncObserver.onProgress(progress:)",
            "SyncReport.recordsStored",
            "BranchbookError.DeviceRevoked",
            "SyncProgress.itemsDone",
        ]:
            self.assertIn(expected, calls)


class Mistakes(unittest.TestCase):
    def assertFails(self, snippet, *fragments):
        problems, _ = run(snippet)
        self.assertTrue(problems, "the checker accepted a mistake")
        text = "\n".join(problems)
        for fragment in fragments:
            self.assertIn(fragment, text)

    def test_misspelled_method(self):
        self.assertFails(with_mistake("core.listForms(latestOnly: true)", "core.listFrom(latestOnly: true)"),
                         "Branchbook has no member 'listFrom' (did you mean 'listForms'?)")

    def test_wrong_argument_label(self):
        self.assertFails(with_mistake("core.listForms(latestOnly: true)", "core.listForms(latest: true)"),
                         "Branchbook.listForms(latest:) does not match Branchbook.listForms(latestOnly:)")

    def test_missing_argument(self):
        self.assertFails(with_mistake("offset: 0, limit: 10)", "limit: 10)"),
                         "Branchbook.listSubmissions(filter:limit:) does not match")

    def test_arguments_out_of_order(self):
        self.assertFails(with_mistake("CalendarDate(year: 2025, month: 6, day: 12)",
                                      "CalendarDate(day: 12, month: 6, year: 2025)"),
                         "CalendarDate.init(day:month:year:) does not match CalendarDate.init(year:month:day:)")

    def test_enum_case_that_does_not_exist(self):
        self.assertFails(with_mistake("answer: .text(value:", "answer: .txt(value:"),
                         "Answer has no case or static member 'txt' (did you mean 'text'?)")

    def test_wrong_label_of_a_case_value(self):
        self.assertFails(with_mistake(".text(value: \"Thào", ".text(text: \"Thào"),
                         "Answer.text(text:) does not match the case Answer.text(value:)")

    def test_record_field_that_does_not_exist(self):
        self.assertFails(with_mistake("Text(question.label)", "Text(question.lable)"),
                         "Question has no member 'lable' (did you mean 'label'?)")

    def test_key_path_to_a_missing_field(self):
        self.assertFails(with_mistake("id: \\.path)", "id: \\.paths)"), "Question has no field 'paths'")

    def test_switch_case_misspelled(self):
        self.assertFails(with_mistake("case .repeatPrompt(let path", "case .repeatPromt(let path"),
                         "Page has no case 'repeatPromt'")

    def test_switch_binds_the_wrong_number_of_values(self):
        self.assertFails(with_mistake("case .repeatPrompt(let path, let label, _)", "case .repeatPrompt(let path, let label)"),
                         "Page.repeatPrompt has 3 value(s), the pattern binds 2")

    def test_error_case_misspelled(self):
        self.assertFails(with_mistake("BranchbookError.NotFound(", "BranchbookError.NotFund("),
                         "BranchbookError has no case 'NotFund' (did you mean 'NotFound'?)")

    def test_text_key_misspelled(self):
        self.assertFails(with_mistake("key: .errorStorage", "key: .errorStorge"),
                         "TextKey has no case or static member 'errorStorge'")

    def test_throwing_call_without_try(self):
        self.assertFails(with_mistake("screen = try session.screen()", "screen = session.screen()"),
                         "SurveySession.screen() throws: call it with try")

    def test_misspelled_core_type(self):
        self.assertFails(with_mistake("private var session: SurveySession?", "private var session: SurveySesion?"),
                         "unknown type 'SurveySesion' (did you mean 'SurveySession'?)")

    def test_protocol_implemented_with_wrong_labels(self):
        self.assertFails(GOOD + """
final class FakeSession: SurveySessionProtocol {
    func jump(to path: String) throws -> Screen { fatalError() }
}
""", "FakeSession adopts SurveySessionProtocol but does not implement SurveySessionProtocol.jump(path:)")

    def test_switch_missing_a_case(self):
        self.assertFails(with_mistake("""            case .end:
                Text(uiFormat(key: .formProgress, language: .vi, args: ["percent": String(screen.progressPercent)]))
""", ""), "switch over Page is not exhaustive: missing .end")

    def test_guarded_case_does_not_cover_it(self):
        self.assertFails(with_mistake("case .needsAttention(let problems):",
                                      "case .needsAttention(let problems) where !problems.isEmpty:"),
                         "switch over FinalizeOutcome is not exhaustive: missing .needsAttention")

    def test_default_covers_the_rest(self):
        problems, _ = run(with_mistake("""            case .end:
""", """            default:
"""))
        self.assertEqual(problems, [])

    def test_qualified_and_let_patterns_cover_their_case(self):
        problems, _ = run(with_mistake("case .finalized(let submission):",
                                       "case let FinalizeOutcome.finalized(submission):")
                          .replace("case .needsAttention(let problems):",
                                   "case .needsAttention(let problems) where !problems.isEmpty:"))
        self.assertEqual([p.split(": ", 1)[1] for p in problems],
                         ["switch over FinalizeOutcome is not exhaustive: missing .needsAttention"])

    def test_let_pattern_case_misspelled(self):
        self.assertFails(with_mistake("case .repeatPrompt(let path, let label, _)", "case let .repeatPromt(path, label, _)"),
                         "Page has no case 'repeatPromt'")

    def test_caught_error_case_misspelled(self):
        self.assertFails(with_mistake("catch BranchbookError.DeviceRevoked {", "catch BranchbookError.DeviceRevokd {"),
                         "BranchbookError has no case 'DeviceRevokd' (did you mean 'DeviceRevoked'?)")

    def test_callback_interface_implemented_with_wrong_labels(self):
        self.assertFails(with_mistake("func onProgress(progress: SyncProgress)", "func onProgress(_ progress: SyncProgress)"),
                         "Relay adopts SyncObserver but does not implement SyncObserver.onProgress(progress:)")


def main(argv):
    global BINDINGS
    if argv:
        BINDINGS = argv
    return unit.run(__name__, "core-call checker tests")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
