import BranchbookCore
import Foundation
import UIKit

/// A gathering as it happens: the roster search with one tap to check a member in, walk-ins
/// added from a short form, photos as evidence, live totals, and closing it for sending.
/// The screen lives in the core (`AttendanceEditor`): it keeps the list in check-in order,
/// counts, marks who is in and says which actions she has; this model shows its
/// `AttendanceScreen`.
@MainActor
final class GatheringModel: ScreenModel {
    let gatheringId: String
    /// The screen as the core gives it; nil until it is read.
    @Published private(set) var screen: AttendanceScreen?
    @Published private(set) var thumbnails: [String: UIImage] = [:]
    @Published var query = ""
    /// The walk-in dialog as the core gives it, while it is open.
    @Published private(set) var walkIn: WalkInForm?
    private var editor: AttendanceEditor?
    private var walkInEditor: WalkInEditor?
    private var searching: Task<Void, Never>?

    init(core: Branchbook, app: AppModel, gatheringId: String) {
        self.gatheringId = gatheringId
        super.init(core: core, app: app, name: "gathering")
    }

    /// Reads the gathering (again, when she comes back to it).
    func load() async {
        if let editor {
            await show { _ in try editor.refresh() }
            return
        }
        let id = gatheringId
        let language = app.language
        guard let opened = await call({ core in try core.attendanceEditor(gatheringId: id, language: language) }) else {
            return
        }
        editor = opened
        await show { _ in opened.screen() }
    }

    /// Roster members matching what she types, each marked when already checked in.
    func search(_ text: String) {
        searching?.cancel()
        searching = Task {
            try? await Task.sleep(nanoseconds: 150_000_000)
            if !Task.isCancelled {
                await act { editor in try editor.search(query: text) }
            }
        }
    }

    /// One tap: checks a roster member in.
    func checkIn(_ candidate: CandidateRow) async {
        let memberId = candidate.row.id
        await act { editor in try editor.checkIn(memberId: memberId) }
    }

    func remove(_ attendee: AttendeeLine) async {
        let attendeeId = attendee.row.id
        await act { editor in try editor.remove(attendeeId: attendeeId) }
    }

    /// Adds a walk-in to the roster of the gathering's village, one tap away next time.
    func makeMember(_ attendee: AttendeeLine) async {
        let attendeeId = attendee.row.id
        await act { editor in try editor.makeMember(attendeeId: attendeeId) }
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

    /// Adds the walk-in (the core reads her birth year as typed). The dialog closes, or
    /// stays with what to fix.
    func addWalkIn() async {
        guard let dialog = walkInEditor, let editor else {
            return
        }
        guard let updated = try? await attempt({ _ in
            _ = try dialog.add()
            return try editor.refresh()
        }) else {
            walkIn = dialog.screen()
            return
        }
        screen = updated
        closeWalkIn()
    }

    /// The camera is opening: the core holds the photo button until a photo is taken in.
    func takingPhoto() {
        screen = editor?.takingPhoto() ?? screen
    }

    /// Hands a photo from the camera to the core (downsized, location data removed); nil
    /// when she took none.
    func attachPhoto(_ image: UIImage?) async {
        guard let editor else {
            return
        }
        guard let image, let file = PhotoFile.write(image) else {
            if image != nil {
                error = app.t(.errorPhotoUnreadable)
            }
            screen = editor.noPhoto()
            return
        }
        defer { PhotoFile.remove(file) }
        await act { editor in try editor.attachPhoto(filePath: file.path) }
        screen = editor.screen()
    }

    func detach(_ photo: PhotoTile) async {
        let sha256 = photo.sha256
        await act { editor in try editor.removePhoto(sha256: sha256) }
    }

    /// Closes the gathering: queued for sending, no more changes.
    func close() async {
        await act { editor in try editor.closeGathering() }
    }

    /// Deletes the open gathering with its attendance and photos; true when done.
    func delete() async -> Bool {
        let id = gatheringId
        return await call { core in try core.deleteGathering(gatheringId: id) } != nil
    }

    /// Runs an intent on the screen off the main thread and shows the screen it gives.
    private func act(_ work: @escaping (AttendanceEditor) throws -> AttendanceScreen) async {
        guard let editor else {
            return
        }
        await show { _ in try work(editor) }
    }

    private func show(_ work: @escaping (Branchbook) throws -> AttendanceScreen) async {
        guard let updated = await call(work) else {
            return
        }
        screen = updated
        for photo in updated.photos where thumbnails[photo.sha256] == nil {
            let sha256 = photo.sha256
            if let data = await call({ core in try core.photoThumbnail(sha256: sha256) }) {
                thumbnails[sha256] = UIImage(data: data)
            }
        }
    }
}
