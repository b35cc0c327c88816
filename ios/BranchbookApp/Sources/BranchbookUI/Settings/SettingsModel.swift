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
    @Published private(set) var formLanguages: [String] = []

    init(core: Branchbook, app: AppModel) {
        super.init(core: core, app: app, name: "settings")
    }

    func load() async {
        usage = await call { core in try core.storageUsage() }
        account = await call { core in try core.account() } ?? nil
        enrollment = await call { core in try core.enrollment() } ?? nil
        formLanguages = await call { core in try core.formLanguages() } ?? []
    }

    /// The app's version as the bundle says it.
    var version: String {
        Bundle.main.object(forInfoDictionaryKey: "CFBundleShortVersionString") as? String ?? "?"
    }
}
