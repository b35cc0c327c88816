import BranchbookCore
import SwiftUI

/// Settings: app language (Vietnamese, English), form label language, storage used,
/// account and about.
@MainActor
struct SettingsView: View {
    @EnvironmentObject private var app: AppModel
    @StateObject private var model: SettingsModel

    init(core: Branchbook, app: AppModel) {
        _model = StateObject(wrappedValue: SettingsModel(core: core, app: app))
    }

    var body: some View {
        Form {
            Picker(app.t(.settingsAppLanguage), selection: $app.language) {
                Text(uiText(key: .languageVi, language: .vi)).tag(UiLanguage.vi)
                Text(uiText(key: .languageEn, language: .en)).tag(UiLanguage.en)
            }
            Picker(app.t(.settingsFormLanguage), selection: $app.formLanguage) {
                Text(app.t(.settingsFormLanguageDefault)).tag(String?.none)
                ForEach(model.formLanguages, id: \.self) { language in
                    Text(language).tag(Optional(language))
                }
            }
            if let usage = model.usage {
                Section(app.t(.settingsStorage)) {
                    Text(app.f(.settingsStorageDetail, [
                        "data": app.size(usage.databaseBytes),
                        "photos": app.size(usage.photoBytes),
                    ]))
                }
            }
            if let account = model.account {
                Text(app.f(.settingsAccount, ["account": account]))
            }
            if let enrollment = model.enrollment {
                Text(app.f(.enrollDone, ["branch": enrollment.branchName]))
            }
            Section(app.t(.settingsAbout)) {
                Text(app.t(.settingsAboutBody))
                Text(app.f(.settingsVersion, ["version": model.version])).font(.caption)
            }
        }
        .navigationTitle(app.t(.settingsTitle))
        .task { await model.load() }
        .errorAlert($model.error, button: app.t(.actionOk))
    }
}
