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
                        Text(gathering.details.topic).font(.headline)
                        Text(gatheringKindName(kind: gathering.details.kind, language: app.language))
                        Text("\(gathering.details.village) · \(app.time(gathering.details.startsAt))")
                            .font(.caption)
                        Text(gathering.state == .draft ? app.t(.gatheringOpen) : app.t(.gatheringClosed))
                            .font(.caption)
                            .foregroundColor(gathering.state == .draft ? .green : .secondary)
                        Text(app.f(.gatheringAttendees, ["count": String(gathering.attendeeCount)]))
                            .font(.caption)
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
