import BranchbookCore
import Foundation

/// The home screen: the core's home screen (her branch, when she last sent, whether the
/// phone is enrolled, the count lines, the attention line, the surveys and gatherings she
/// can pick up again), already in the app language.
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
}
