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
    /// The walk-in dialog as the core gives it, while it is open.
    @Published private(set) var walkIn: WalkInForm?
    private var walkInEditor: WalkInEditor?
    private var searching: Task<Void, Never>?

    init(core: Branchbook, app: AppModel, gatheringId: String) {
        self.gatheringId = gatheringId
        super.init(core: core, app: app, name: "gathering")
    }

    /// The top of the screen (topic, details, open or closed), from the core.
    var heading: GatheringHeading? {
        guard let gathering else {
            return nil
        }
        return gatheringHeading(gathering: gathering, language: app.language)
    }

    var isOpen: Bool {
        heading?.isOpen ?? false
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

    /// Opens the walk-in dialog, empty; the core keeps what she types.
    func openWalkIn() {
        let dialog = core.walkInEditor(gatheringId: gatheringId, language: app.language)
        walkInEditor = dialog
        walkIn = dialog.screen()
    }

    /// She typed or chose a value in the walk-in dialog.
    func editWalkIn(_ change: WalkInEdit) {
        walkIn = walkInEditor?.edit(edit: change) ?? walkIn
    }

    /// Closes the walk-in dialog without adding anyone.
    func closeWalkIn() {
        walkInEditor = nil
        walkIn = nil
    }

    /// Adds the walk-in (the core reads her birth year as typed); with `makeMember`, also
    /// to the roster of the gathering's village, so next time she is one tap away. The
    /// dialog closes, or stays with what to fix.
    func addWalkIn(makeMember: Bool) async {
        guard let dialog = walkInEditor else {
            return
        }
        let id = gatheringId
        let village = gathering?.details.village ?? ""
        guard let done = try? await attempt({ _ in try dialog.add() }) else {
            walkIn = dialog.screen()
            return
        }
        took(done)
        closeWalkIn()
        if makeMember {
            let attendeeId = done.attendee.id
            _ = await call { core in try core.makeMember(gatheringId: id, attendeeId: attendeeId, village: village) }
            search(query)
        }
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
