import BranchbookCore
import Foundation

/// A member line of the household form, with an identity of its own for the list (a new
/// member has no id until the core records her).
struct MemberRow: Identifiable {
    let id = UUID()
    var input: MemberInput
}

/// Adding or editing a household with its members. The core checks the input (village and
/// head's name required), keeps each person's id across edits and refuses an edit made
/// from an old revision (then she reopens it).
@MainActor
final class HouseholdEditModel: ScreenModel {
    let householdId: String?
    @Published var village = ""
    @Published var address = ""
    @Published var headName = ""
    @Published var notes = ""
    @Published var members: [MemberRow] = []
    private var baseRevision: UInt32 = 0

    init(core: Branchbook, app: AppModel, householdId: String?) {
        self.householdId = householdId
        super.init(core: core, app: app, name: "household-edit")
    }

    /// Fills the form from the household's current revision (nothing to do for a new one).
    func load() async {
        guard let id = householdId, let household = await call({ core in try core.household(householdId: id) }) else {
            return
        }
        baseRevision = household.revision
        village = household.body.village
        address = household.body.address
        headName = household.body.headName
        notes = household.body.notes
        members = household.body.members.map { member in
            MemberRow(input: MemberInput(
                id: member.id,
                name: member.name,
                sex: member.sex,
                birthYear: member.birthYear,
                ethnicity: member.ethnicity,
                relation: member.relation
            ))
        }
    }

    func addMember() {
        members.append(MemberRow(input: MemberInput(
            id: nil, name: "", sex: .female, birthYear: nil, ethnicity: nil, relation: ""
        )))
    }

    /// The place of `row` in the list, as the core names a refused member's input.
    func place(of row: MemberRow) -> Int? {
        members.firstIndex { other in other.id == row.id }
    }

    func removeMembers(at offsets: IndexSet) {
        members.remove(atOffsets: offsets)
    }

    /// Saves; gives the household's id when the core took it.
    func save() async -> String? {
        let input = HouseholdInput(
            village: village,
            address: address,
            headName: headName,
            members: members.map { row in row.input },
            notes: notes
        )
        let base = baseRevision
        let saved: Household?
        if let id = householdId {
            saved = await call { core in try core.editHousehold(householdId: id, baseRevision: base, input: input) }
        } else {
            saved = await call { core in try core.createHousehold(input: input) }
        }
        return saved?.uuid
    }
}
