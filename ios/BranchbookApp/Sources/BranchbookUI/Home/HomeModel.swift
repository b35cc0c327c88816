import BranchbookCore
import Foundation

/// The home screen: the core's home screen (her branch, when she last sent, whether the
/// phone is enrolled, the count lines, the attention line, the surveys and gatherings she
/// can pick up again, the surveys an officer sent back), already in the app language.
@MainActor
final class HomeModel: ScreenModel {
    @Published private(set) var home: HomeScreen?

    init(core: Branchbook, app: AppModel) {
        super.init(core: core, app: app, name: "home")
    }

    /// Reads everything the screen shows (on every return to it, so counts stay true).
    func load() async {
        let language = app.language
        if let home = await call({ core in try core.homeScreen(language: language) }) {
            self.home = home
        }
    }

    /// Corrects a survey an officer sent back: a new draft revision with its answers (the
    /// sent one stays on the server until the correction is sent), opened for her to change.
    func correct(_ returned: ReturnedRow) async {
        let id = returned.id
        guard await call({ core in _ = try core.editSubmission(submissionId: id) }) != nil else {
            return
        }
        app.go(.survey(submissionId: id))
    }
}
