import BranchbookCore
import SwiftUI

/// Gatherings: the list, and the way to hold a new one.
@MainActor
struct GatheringsView: View {
    @EnvironmentObject private var app: AppModel
    @StateObject private var model: GatheringsModel

    init(core: Branchbook, app: AppModel) {
        _model = StateObject(wrappedValue: GatheringsModel(core: core, app: app))
    }

    var body: some View {
        List {
            if model.loaded && model.gatherings.isEmpty {
                Text(app.t(.gatheringsEmpty)).foregroundColor(.secondary)
            }
            ForEach(model.gatherings, id: \.uuid) { gathering in
                Button {
                    app.go(.gathering(id: gathering.uuid))
                } label: {
                    VStack(alignment: .leading) {
                        RowText(row: gatheringListRow(gathering: gathering, language: app.language))
                        Text(gathering.state == .draft ? app.t(.gatheringOpen) : app.t(.gatheringClosed))
                            .font(.caption)
                            .foregroundColor(gathering.state == .draft ? .green : .secondary)
                    }
                }
            }
        }
        .navigationTitle(app.t(.gatheringsTitle))
        .toolbar {
            ToolbarItem(placement: .navigationBarTrailing) {
                Button(app.t(.gatheringNew)) { app.go(.gatheringDetails(id: nil)) }
            }
        }
        .onAppear { Task { await model.load() } }
        .refreshable { await model.load() }
        .errorAlert($model.error, button: app.t(.actionOk))
    }
}
