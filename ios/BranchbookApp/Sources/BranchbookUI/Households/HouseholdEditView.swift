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
                TextField(app.t(.householdHeadName), text: $model.headName)
                TextField(app.t(.householdAddress), text: $model.address)
                TextField(app.t(.householdNotes), text: $model.notes)
            }
            Section(app.f(.householdMembers, ["count": String(model.members.count)])) {
                ForEach($model.members) { $row in
                    MemberEditor(member: $row.input)
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

    var body: some View {
        VStack(alignment: .leading) {
            TextField(app.t(.memberName), text: $member.name)
            SexPicker(title: app.t(.memberSex), selection: $member.sex)
            YearField(title: app.t(.memberBirthYear), year: $member.birthYear)
            EthnicityPicker(title: app.t(.memberEthnicity), selection: $member.ethnicity)
            TextField(app.t(.memberRelation), text: $member.relation)
        }
    }
}
