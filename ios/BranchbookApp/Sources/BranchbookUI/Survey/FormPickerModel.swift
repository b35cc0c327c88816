import BranchbookCore
import Foundation

/// Choosing the form of a new survey (as a visit to a household when one is given). The
/// core starts it in her preferred label language when the form has it, else in the
/// form's default, and saves its draft at once.
@MainActor
final class FormPickerModel: ScreenModel {
    let householdId: String?
    @Published private(set) var forms: [FormRow] = []
    @Published private(set) var loaded = false

    init(core: Branchbook, app: AppModel, householdId: String?) {
        self.householdId = householdId
        super.init(core: core, app: app, name: "forms")
    }

    func load() async {
        let language = app.language
        forms = await call { core in try core.formRows(language: language) } ?? forms
        loaded = true
    }

    /// Starts a survey with form `formId` and opens it in place of this list.
    func start(_ formId: String) async {
        let householdId = self.householdId
        let preferred = app.formLanguage
        let started = await call { core in
            try core.startSurvey(formId: formId, version: nil, householdId: householdId, preferredLanguage: preferred)
                .submissionId()
        }
        if let submissionId = started {
            app.replace(with: .survey(submissionId: submissionId))
        }
    }
}
