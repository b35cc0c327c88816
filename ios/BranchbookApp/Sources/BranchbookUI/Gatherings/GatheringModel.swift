import BranchbookCore
import Foundation
import UIKit

/// A gathering as it happens: the roster search with one tap to check a member in, walk-ins
/// added from a short form, photos as evidence, live totals (by sex, ethnic group and age
/// group, counted by the core from the attendee list), and closing it for sending.
@MainActor
final class GatheringModel: ScreenModel {
    let gatheringId: String
    @Published private(set) var gathering: Gathering?
    @Published private(set) var attendees: [Attendee] = []
    @Published private(set) var totals: Totals?
    @Published private(set) var photos: [StoredPhoto] = []
    @Published private(set) var thumbnails: [String: UIImage] = [:]
    @Published var query = ""
    @Published private(set) var candidates: [CheckInCandidate] = []
    private var searching: Task<Void, Never>?

    init(core: Branchbook, app: AppModel, gatheringId: String) {
        self.gatheringId = gatheringId
        super.init(core: core, app: app, name: "gathering")
    }

    var isOpen: Bool {
        gathering?.state == .draft
    }

    func load() async {
        let id = gatheringId
        gathering = await call { core in try core.gathering(gatheringId: id) } ?? gathering
        attendees = await call { core in try core.attendees(gatheringId: id) } ?? attendees
        totals = await call { core in try core.gatheringTotals(gatheringId: id) } ?? totals
        await loadPhotos()
        search(query)
    }

    /// Roster members matching what she types, each marked when already checked in.
    func search(_ text: String) {
        searching?.cancel()
        let id = gatheringId
        searching = Task {
            try? await Task.sleep(nanoseconds: 150_000_000)
            if Task.isCancelled {
                return
            }
            let found = await call { core in try core.checkInCandidates(gatheringId: id, query: text, limit: 30) }
            if !Task.isCancelled {
                candidates = found ?? candidates
            }
        }
    }

    /// One tap: checks a roster member in and shows the new totals.
    func checkIn(_ member: RosterMember) async {
        let id = gatheringId
        let memberId = member.id
        if let done = await call({ core in try core.checkIn(gatheringId: id, memberId: memberId) }) {
            took(done)
        }
    }

    /// Adds someone who is not on the roster; with `makeMember`, also to the roster of the
    /// gathering's village, so next time she is one tap away.
    func addWalkIn(_ walkIn: WalkIn, makeMember: Bool) async -> Bool {
        let id = gatheringId
        let village = gathering?.details.village ?? ""
        guard let done = await call({ core in try core.addWalkIn(gatheringId: id, walkIn: walkIn) }) else {
            return false
        }
        took(done)
        if makeMember {
            let attendeeId = done.attendee.id
            _ = await call { core in try core.makeMember(gatheringId: id, attendeeId: attendeeId, village: village) }
            search(query)
        }
        return true
    }

    func remove(_ attendee: Attendee) async {
        let id = gatheringId
        let attendeeId = attendee.id
        if let totals = await call({ core in try core.removeAttendee(gatheringId: id, attendeeId: attendeeId) }) {
            self.totals = totals
            attendees.removeAll { other in other.id == attendeeId }
            search(query)
        }
    }

    /// Hands a photo from the camera to the core (downsized, location data removed).
    func attachPhoto(_ image: UIImage) async {
        guard let file = PhotoFile.write(image) else {
            error = app.t(.errorPhotoUnreadable)
            return
        }
        defer { PhotoFile.remove(file) }
        let id = gatheringId
        if await call({ core in try core.attachGatheringPhoto(gatheringId: id, filePath: file.path) }) != nil {
            await loadPhotos()
        }
    }

    func detach(_ photo: StoredPhoto) async {
        let id = gatheringId
        let sha256 = photo.sha256
        if await call({ core in try core.detachGatheringPhoto(gatheringId: id, sha256: sha256) }) != nil {
            await loadPhotos()
        }
    }

    /// Closes the gathering: queued for sending, no more changes.
    func close() async {
        let id = gatheringId
        gathering = await call { core in try core.closeGathering(gatheringId: id) } ?? gathering
    }

    /// Deletes the open gathering with its attendance and photos; true when done.
    func delete() async -> Bool {
        let id = gatheringId
        return await call { core in try core.deleteGathering(gatheringId: id) } != nil
    }

    private func took(_ done: CheckIn) {
        totals = done.totals
        if !attendees.contains(where: { other in other.id == done.attendee.id }) {
            attendees.append(done.attendee)
        }
        candidates = candidates.map { candidate in
            var marked = candidate
            if candidate.member.id == done.attendee.memberId {
                marked.checkedIn = true
            }
            return marked
        }
    }

    private func loadPhotos() async {
        let id = gatheringId
        photos = await call { core in try core.gatheringPhotos(gatheringId: id) } ?? photos
        for photo in photos where thumbnails[photo.sha256] == nil {
            let sha256 = photo.sha256
            if let data = await call({ core in try core.photoThumbnail(sha256: sha256) }) {
                thumbnails[sha256] = UIImage(data: data)
            }
        }
    }
}
