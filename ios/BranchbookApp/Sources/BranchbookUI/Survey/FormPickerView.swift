import BranchbookCore
import SwiftUI

/// The forms on the phone (the newest version of each), to start a survey.
@MainActor
struct FormPickerView: View {
    @EnvironmentObject private var app: AppModel
    @StateObject private var model: FormPickerModel

    init(core: Branchbook, app: AppModel, householdId: String?) {
        _model = StateObject(wrappedValue: FormPickerModel(core: core, app: app, householdId: householdId))
    }

    var body: some View {
        List {
            if model.loaded && model.forms.isEmpty {
                Text(app.t(.formsEmpty)).foregroundColor(.secondary)
            }
            ForEach(model.forms, id: \.row.id) { form in
                Button {
                    Task { await model.start(form.row.id) }
                } label: {
                    VStack(alignment: .leading) {
                        Text(form.row.title).font(.headline)
                        Text(form.row.detail).font(.caption).foregroundColor(.secondary)
                    }
                }
                // A form still waiting for its files says so and does not start.
                .disabled(!form.ready)
            }
        }
        .navigationTitle(app.t(.formsTitle))
        .task { await model.load() }
        .errorAlert($model.error, button: app.t(.actionOk))
    }
}
