import BranchbookCore
import Foundation

/// Settings: the app language, the preferred label language of forms (from the languages
/// the phone's forms are written in), the storage the data takes, the account and the
/// branch the phone is enrolled with, about.
@MainActor
final class SettingsModel: ScreenModel {
    @Published private(set) var usage: StorageUsage?
    @Published private(set) var account: String?
    @Published private(set) var enrollment: Enrollment?
    @Published private(set) var formLanguages: [Language] = []

    init(core: Branchbook, app: AppModel) {
        super.init(core: core, app: app, name: "settings")
    }

    func load() async {
        usage = await call { core in try core.storageUsage() }
        account = await call { core in try core.account() } ?? nil
        enrollment = await call { core in try core.enrollment() } ?? nil
        let forms = await call { core in try core.listForms(latestOnly: true) } ?? []
        var seen = Set<String>()
        formLanguages = forms.flatMap { form in form.languages }.filter { language in
            seen.insert(language.name).inserted
        }
    }

    /// The app's version as the bundle says it.
    var version: String {
        Bundle.main.object(forInfoDictionaryKey: "CFBundleShortVersionString") as? String ?? "?"
    }
}
