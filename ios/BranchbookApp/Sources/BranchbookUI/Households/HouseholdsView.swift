import BranchbookCore
import SwiftUI

/// Households: the list, searched as she types, and the way to add one.
@MainActor
struct HouseholdsView: View {
    @EnvironmentObject private var app: AppModel
    @StateObject private var model: HouseholdsModel

    init(core: Branchbook, app: AppModel) {
        _model = StateObject(wrappedValue: HouseholdsModel(core: core, app: app))
    }

    var body: some View {
        List {
            if model.loaded && model.households.isEmpty {
                Text(model.query.isEmpty
                    ? app.t(.householdsEmpty)
                    : app.f(.householdsNoMatch, ["query": model.query]))
                    .foregroundColor(.secondary)
            }
            ForEach(model.households, id: \.uuid) { household in
                Button {
                    app.go(.household(id: household.uuid))
                } label: {
                    RowText(row: householdRow(household: household, language: app.language))
                }
            }
        }
        .searchable(text: $model.query, prompt: app.t(.householdsSearchHint))
        .onChange(of: model.query) { text in model.search(text) }
        .onAppear { model.search(model.query) }
        .navigationTitle(app.t(.householdsTitle))
        .toolbar {
            ToolbarItem(placement: .navigationBarTrailing) {
                Button(app.t(.householdsAdd)) { app.go(.householdEdit(id: nil)) }
            }
        }
        .errorAlert($model.error, button: app.t(.actionOk))
    }
}
