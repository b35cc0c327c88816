import BranchbookCore
import Foundation

/// One household: its details and members, its visits (surveys filled for it) and how it
/// changed over time; archiving or bringing it back.
@MainActor
final class HouseholdModel: ScreenModel {
    let householdId: String
    @Published private(set) var household: Household?
    @Published private(set) var visits: [VisitRow] = []
    @Published private(set) var revisions: [Household] = []

    init(core: Branchbook, app: AppModel, householdId: String) {
        self.householdId = householdId
        super.init(core: core, app: app, name: "household")
    }

    func load() async {
        let id = householdId
        if let household = await call({ core in try core.household(householdId: id) }) {
            self.household = household
        }
        let language = app.language
        visits = await call { core in
            try core.householdVisitRows(householdId: id, offset: 0, limit: 200, language: language)
        } ?? []
        revisions = await call { core in try core.householdRevisions(householdId: id) } ?? []
    }

    /// Archives the household (she no longer visits it) or brings it back.
    func setArchived(_ archived: Bool) async {
        guard let shown = household else {
            return
        }
        if let changed = await call({ core in
            try core.setHouseholdArchived(householdId: shown.uuid, baseRevision: shown.revision, archived: archived)
        }) {
            household = changed
            revisions = await call { core in try core.householdRevisions(householdId: changed.uuid) } ?? revisions
        }
    }

    /// Opens a visit: a draft where it was left, a finished survey as a new revision to
    /// change (the finished one stays until the change is finished).
    func open(_ visit: VisitRow) async {
        let id = visit.row.id
        if !visit.draft {
            guard await call({ core in _ = try core.editSubmission(submissionId: id) }) != nil else {
                return
            }
        }
        app.go(.survey(submissionId: id))
    }
}
