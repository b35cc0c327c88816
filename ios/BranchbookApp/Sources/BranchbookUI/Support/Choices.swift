import BranchbookCore
import SwiftUI

/// The closed lists the pickers offer, as the core defines them: sexes, age groups
/// and the 54 ethnic groups (shown by their Vietnamese names, stored by key).
enum Choices {
    static let sexes: [Sex] = BranchbookCore.sexes()
    static let ageGroups: [AgeGroup] = BranchbookCore.ageGroups()
    static let ethnicities: [EthnicGroup] = ethnicGroups()
}

/// A picker of an optional ethnic group.
@MainActor
struct EthnicityPicker: View {
    @EnvironmentObject private var app: AppModel
    let title: String
    @Binding var selection: String?

    var body: some View {
        Picker(title, selection: $selection) {
            Text(app.t(.commonNotRecorded)).tag(String?.none)
            ForEach(Choices.ethnicities, id: \.key) { group in
                Text(group.nameVi).tag(Optional(group.key))
            }
        }
    }
}

/// A picker of a sex.
@MainActor
struct SexPicker: View {
    @EnvironmentObject private var app: AppModel
    let title: String
    @Binding var selection: Sex

    var body: some View {
        Picker(title, selection: $selection) {
            ForEach(Choices.sexes, id: \.self) { sex in
                Text(sexName(sex: sex, language: app.language)).tag(sex)
            }
        }
    }
}
