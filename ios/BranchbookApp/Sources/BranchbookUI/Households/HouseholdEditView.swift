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
            if let form = model.form {
                Section {
                    TextField(app.t(.householdVillage), text: model.text(form.village) { text in .village(text: text) })
                    InputNote(text: form.invalid == .village ? form.error : nil)
                    TextField(app.t(.householdHeadName), text: model.text(form.headName) { text in .headName(text: text) })
                    InputNote(text: form.invalid == .headName ? form.error : nil)
                    TextField(app.t(.householdAddress), text: model.text(form.address) { text in .address(text: text) })
                    TextField(app.t(.householdNotes), text: model.text(form.notes) { text in .notes(text: text) })
                }
                Section(form.membersHeading) {
                    ForEach(Array(form.members.enumerated()), id: \.element.key) { place, member in
                        MemberEditor(model: model, member: member, place: UInt32(place), error: form.error)
                    }
                    .onDelete { offsets in model.removeMembers(at: offsets) }
                    Button(app.t(.householdAddMember)) { model.edit(.addMember) }
                }
            }
        }
        .navigationTitle(model.form?.title ?? app.t(.householdEditTitle))
        .saveToolbar(app.t(.actionSave), app: app, save: model.save) { id in
            model.householdId == nil ? .household(id: id) : nil
        }
        .task { await model.load() }
        .errorAlert($model.error, button: app.t(.actionOk))
    }
}

/// One member's fields, as the core's form has them.
@MainActor
struct MemberEditor: View {
    @EnvironmentObject private var app: AppModel
    @ObservedObject var model: HouseholdEditModel
    let member: MemberEditRow
    /// Her place in the list, as the core names her.
    let place: UInt32
    /// Why the last save was refused, shown under her refused input.
    let error: String?

    var body: some View {
        VStack(alignment: .leading) {
            TextField(app.t(.memberName), text: model.text(member.name) { text in .memberName(member: place, text: text) })
            InputNote(text: member.invalid == .name ? error : nil)
            SexPicker(title: app.t(.memberSex), selection: Binding(
                get: { member.sex },
                set: { sex in model.edit(.memberSex(member: place, sex: sex)) }
            ))
            TextField(app.t(.memberBirthYear), text: model.text(member.birthYear) { text in .memberBirthYear(member: place, text: text) })
                .keyboardType(.numberPad)
            InputNote(text: member.invalid == .birthYear ? error : nil)
            EthnicityPicker(title: app.t(.memberEthnicity), selection: Binding(
                get: { member.ethnicity },
                set: { key in model.edit(.memberEthnicity(member: place, key: key)) }
            ))
            InputNote(text: member.invalid == .ethnicity ? error : nil)
            TextField(app.t(.memberRelation), text: model.text(member.relation) { text in .memberRelation(member: place, text: text) })
        }
    }
}
