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
            if let form = model.form {
                Picker(app.t(.gatheringKind), selection: model.binding(form.kind) { kind in .kind(kind: kind) }) {
                    ForEach(form.kinds, id: \.kind) { choice in
                        Text(choice.name).tag(choice.kind)
                    }
                }
                TextField(app.t(.gatheringTopic), text: model.binding(form.topic) { text in .topic(text: text) })
                InputNote(text: form.invalid == .topic ? form.error : nil)
                TextField(app.t(.gatheringVillage), text: model.binding(form.village) { text in .village(text: text) })
                InputNote(text: form.invalid == .village ? form.error : nil)
                DatePicker(app.t(.gatheringStartsAt), selection: model.binding(PickerDate.date(form.picker)) { picked in
                    .startsAt(fields: PickerDate.fields(picked))
                })
                TextField(app.t(.gatheringFacilitator), text: model.binding(form.facilitator) { text in .facilitator(text: text) })
                TextField(app.t(.gatheringNotes), text: model.binding(form.notes) { text in .notes(text: text) })
            }
        }
        .navigationTitle(model.gatheringId == nil ? app.t(.gatheringNew) : app.t(.actionEdit))
        .saveToolbar(app.t(.actionSave), app: app, save: model.save) { id in
            model.gatheringId == nil ? .gathering(id: id) : nil
        }
        .task { await model.load() }
        .errorAlert($model.error, button: app.t(.actionOk))
    }
}
