import BranchbookCore
import SwiftUI

/// The household form: village, address, head, notes and the members.
@MainActor
struct HouseholdEditView: View {
    @EnvironmentObject private var app: AppModel
    @StateObject private var model: HouseholdEditModel

    init(core: Branchbook, app: AppModel, householdId: String?) {
        _model = StateObject(wrappedValue: HouseholdEditModel(core: core, app: app, householdId: householdId))
    }

    var body: some View {
        Form {
            Section {
                TextField(app.t(.householdVillage), text: $model.village)
                InputNote(text: model.note(.village))
                TextField(app.t(.householdHeadName), text: $model.headName)
                InputNote(text: model.note(.headName))
                TextField(app.t(.householdAddress), text: $model.address)
                TextField(app.t(.householdNotes), text: $model.notes)
            }
            Section(app.f(.householdMembers, ["count": String(model.members.count)])) {
                ForEach($model.members) { $row in
                    MemberEditor(member: $row.input, model: model, place: model.place(of: row))
                }
                .onDelete { offsets in model.removeMembers(at: offsets) }
                Button(app.t(.householdAddMember)) { model.addMember() }
            }
        }
        .navigationTitle(app.t(.householdEditTitle))
        .saveToolbar(app.t(.actionSave), app: app, save: model.save) { id in
            model.householdId == nil ? .household(id: id) : nil
        }
        .task { await model.load() }
        .errorAlert($model.error, button: app.t(.actionOk))
    }
}

/// One member's fields.
@MainActor
struct MemberEditor: View {
    @EnvironmentObject private var app: AppModel
    @Binding var member: MemberInput
    @ObservedObject var model: HouseholdEditModel
    /// Her place in the list, as the core names a refused member's input.
    let place: Int?

    var body: some View {
        VStack(alignment: .leading) {
            TextField(app.t(.memberName), text: $member.name)
            InputNote(text: model.note(.name, member: place))
            SexPicker(title: app.t(.memberSex), selection: $member.sex)
            YearField(title: app.t(.memberBirthYear), year: $member.birthYear)
            InputNote(text: model.note(.birthYear, member: place))
            EthnicityPicker(title: app.t(.memberEthnicity), selection: $member.ethnicity)
            InputNote(text: model.note(.ethnicity, member: place))
            TextField(app.t(.memberRelation), text: $member.relation)
        }
    }
}
