import BranchbookCore
import SwiftUI

/// Settings: app language (Vietnamese, English), form label language, storage used,
/// account and about, as the core writes them.
@MainActor
struct SettingsView: View {
    @EnvironmentObject private var app: AppModel
    @StateObject private var model: SettingsModel

    init(core: Branchbook, app: AppModel) {
        _model = StateObject(wrappedValue: SettingsModel(core: core, app: app))
    }

    var body: some View {
        Form {
            if let page = model.page {
                Picker(app.t(.settingsAppLanguage), selection: $app.language) {
                    ForEach(page.appLanguages, id: \.language) { choice in
                        Text(choice.name).tag(choice.language)
                    }
                }
                Picker(app.t(.settingsFormLanguage), selection: $app.formLanguage) {
                    ForEach(page.formLanguages, id: \.name) { choice in
                        Text(choice.name).tag(choice.language)
                    }
                }
                Section(app.t(.settingsStorage)) {
                    Text(page.storage)
                }
                ForEach(page.account, id: \.self) { line in
                    Text(line)
                }
                Section(app.t(.settingsAbout)) {
                    Text(page.about)
                    Text(page.version).font(.caption)
                }
            }
        }
        .navigationTitle(app.t(.settingsTitle))
        .task { await model.load() }
        .onChange(of: app.language) { _ in Task { await model.load() } }
        .onChange(of: app.formLanguage) { _ in Task { await model.load() } }
        .errorAlert($model.error, button: app.t(.actionOk))
    }
}
