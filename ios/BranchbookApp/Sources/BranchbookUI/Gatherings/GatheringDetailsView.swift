import BranchbookCore
import SwiftUI

/// The form of a gathering's details: kind, topic, village, date and time, facilitator,
/// notes.
@MainActor
struct GatheringDetailsView: View {
    @EnvironmentObject private var app: AppModel
    @StateObject private var model: GatheringDetailsModel

    init(core: Branchbook, app: AppModel, gatheringId: String?) {
        _model = StateObject(wrappedValue: GatheringDetailsModel(core: core, app: app, gatheringId: gatheringId))
    }

    var body: some View {
        Form {
            Picker(app.t(.gatheringKind), selection: $model.kind) {
                ForEach(Choices.gatheringKinds, id: \.self) { kind in
                    Text(gatheringKindName(kind: kind, language: app.language)).tag(kind)
                }
            }
            TextField(app.t(.gatheringTopic), text: $model.topic)
            InputNote(text: model.note(.topic))
            TextField(app.t(.gatheringVillage), text: $model.village)
            InputNote(text: model.note(.village))
            DatePicker(app.t(.gatheringStartsAt), selection: $model.startsAt)
            TextField(app.t(.gatheringFacilitator), text: $model.facilitator)
            TextField(app.t(.gatheringNotes), text: $model.notes)
        }
        .environment(\.timeZone, VietnamClock.zone)
        .environment(\.calendar, VietnamClock.calendar)
        .navigationTitle(model.gatheringId == nil ? app.t(.gatheringNew) : app.t(.actionEdit))
        .saveToolbar(app.t(.actionSave), app: app, save: model.save) { id in
            model.gatheringId == nil ? .gathering(id: id) : nil
        }
        .task { await model.load() }
        .errorAlert($model.error, button: app.t(.actionOk))
    }
}
