import BranchbookCore
import Foundation

/// Settings: the app language, the preferred label language of forms (from the languages
/// the phone's forms are written in), the storage the data takes, the account and the
/// branch the phone is enrolled with, about. The core writes the page from her
/// preferences, which the app keeps, and from the release `AppModel` opened it with.
@MainActor
final class SettingsModel: ScreenModel {
    @Published private(set) var page: SettingsPage?

    init(core: Branchbook, app: AppModel) {
        super.init(core: core, app: app, name: "settings")
    }

    func load() async {
        let language = app.language
        let formLanguage = app.formLanguage
        page = await call { core in
            try core.settingsPage(language: language, formLanguage: formLanguage)
        } ?? page
    }
}
