import BranchbookCore
import Foundation

/// The list of gatherings, the open ones and the closed ones, latest first.
@MainActor
final class GatheringsModel: ScreenModel {
    @Published private(set) var gatherings: [Gathering] = []
    @Published private(set) var loaded = false

    init(core: Branchbook, app: AppModel) {
        super.init(core: core, app: app, name: "gatherings")
    }

    func load() async {
        gatherings = await call { core in try core.listGatherings(state: nil, offset: 0, limit: 500) } ?? gatherings
        loaded = true
    }
}
