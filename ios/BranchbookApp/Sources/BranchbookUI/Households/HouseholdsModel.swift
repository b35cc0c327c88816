import BranchbookCore
import Foundation

/// The household list: every household of the branch, or those whose head or a member
/// matches what she types (the core's search needs no diacritics).
@MainActor
final class HouseholdsModel: ScreenModel {
    @Published var query = ""
    @Published private(set) var households: [HouseholdSummary] = []
    @Published private(set) var loaded = false
    private var searching: Task<Void, Never>?

    init(core: Branchbook, app: AppModel) {
        super.init(core: core, app: app, name: "households")
    }

    /// Shows the households for `text` as she types: a newer keystroke cancels the search
    /// of the older one.
    func search(_ text: String) {
        searching?.cancel()
        searching = Task {
            try? await Task.sleep(nanoseconds: 150_000_000)
            if Task.isCancelled {
                return
            }
            let found = await call { core -> [HouseholdSummary] in
                if text.trimmingCharacters(in: .whitespaces).isEmpty {
                    return try core.listHouseholds(village: nil, includeArchived: false, offset: 0, limit: 500)
                }
                return try core.searchHouseholds(query: text, offset: 0, limit: 100)
            }
            if Task.isCancelled {
                return
            }
            households = found ?? []
            loaded = true
        }
    }
}
