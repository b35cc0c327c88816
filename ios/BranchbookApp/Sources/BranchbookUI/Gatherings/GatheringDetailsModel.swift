import BranchbookCore
import Foundation

/// Creating a gathering, or changing an open one's kind, topic, village, time,
/// facilitator or notes. The core requires the topic and the village.
@MainActor
final class GatheringDetailsModel: ScreenModel {
    let gatheringId: String?
    @Published var kind: GatheringKind = .communicationSession
    @Published var topic = ""
    @Published var village = ""
    @Published var startsAt = Date()
    @Published var facilitator = ""
    @Published var notes = ""

    init(core: Branchbook, app: AppModel, gatheringId: String?) {
        self.gatheringId = gatheringId
        super.init(core: core, app: app, name: "gathering-details")
    }

    func load() async {
        guard let id = gatheringId, let gathering = await call({ core in try core.gathering(gatheringId: id) }) else {
            return
        }
        kind = gathering.details.kind
        topic = gathering.details.topic
        village = gathering.details.village
        startsAt = gathering.details.startsAt
        facilitator = gathering.details.facilitator
        notes = gathering.details.notes
    }

    /// Saves; gives the gathering's id when the core took it.
    func save() async -> String? {
        let details = GatheringDetails(
            kind: kind,
            topic: topic,
            village: village,
            startsAt: startsAt,
            facilitator: facilitator,
            notes: notes
        )
        let saved: Gathering?
        if let id = gatheringId {
            saved = await call { core in try core.updateGathering(gatheringId: id, details: details) }
        } else {
            saved = await call { core in try core.createGathering(details: details) }
        }
        return saved?.uuid
    }
}
