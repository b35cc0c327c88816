import BranchbookCore
import Foundation

/// The home screen: her counts (drafts, ready to send, sent, needing attention), whether
/// the phone is enrolled, her account, when she last sent, and the surveys and gatherings
/// she can pick up again.
@MainActor
final class HomeModel: ScreenModel {
    @Published private(set) var counts: HomeCounts?
    @Published private(set) var drafts: [SubmissionInfo] = []
    @Published private(set) var openGatherings: [Gathering] = []
    @Published private(set) var enrolled = true
    @Published private(set) var account: String?
    /// When a send last went through to the end (nil before the first).
    @Published private(set) var lastSent: Date?

    init(core: Branchbook, app: AppModel) {
        super.init(core: core, app: app, name: "home")
    }

    /// Reads everything the screen shows (on every return to it, so counts stay true).
    func load() async {
        if let counts = await call({ core in try core.homeCounts() }) {
            self.counts = counts
        }
        account = await call { core in try core.account() } ?? nil
        lastSent = await call { core in try core.lastSync() } ?? nil
        if let enrollment = await call({ core in try core.enrollment() }) {
            enrolled = enrollment != nil
        }
        drafts = await call { core in
            try core.listSubmissions(filter: SubmissionFilter(state: .draft), offset: 0, limit: 50)
        } ?? []
        openGatherings = await call { core in try core.listGatherings(state: .draft, offset: 0, limit: 50) } ?? []
    }
}
