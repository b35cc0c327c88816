import BranchbookCore
import Foundation
import SwiftUI

/// Adding or editing a household with its members. The form lives in the core
/// (`HouseholdEditor`): every change she makes goes there as typed, and the core reads
/// the birth years, checks the required names, keeps each person's id across edits and
/// refuses an edit made from an old revision (then she reopens it).
@MainActor
final class HouseholdEditModel: ScreenModel {
    let householdId: String?
    /// The form as the core gives it; nil until it is read.
    @Published private(set) var form: HouseholdForm?
    private var editor: HouseholdEditor?

    init(core: Branchbook, app: AppModel, householdId: String?) {
        self.householdId = householdId
        super.init(core: core, app: app, name: "household-edit")
    }

    /// Opens the form on the household as it is now (empty for a new one).
    func load() async {
        let id = householdId
        let language = app.language
        guard let opened = await call({ core in try core.householdEditor(householdId: id, language: language) }) else {
            return
        }
        editor = opened
        form = opened.screen()
    }

    /// She typed in a box, chose a value, added or removed a member.
    func edit(_ change: HouseholdEdit) {
        form = editor?.edit(edit: change) ?? form
    }

    /// A text box's binding: shows `value` from the form, hands what she types to the core.
    func text(_ value: String, _ change: @escaping (String) -> HouseholdEdit) -> Binding<String> {
        Binding(get: { value }, set: { [weak self] text in self?.edit(change(text)) })
    }

    func removeMembers(at offsets: IndexSet) {
        for place in offsets.sorted(by: >) {
            edit(.removeMember(member: UInt32(place)))
        }
    }

    /// Saves; gives the household's id when the core took it (a refusal stays on the form).
    func save() async -> String? {
        guard let editor else {
            return nil
        }
        let saved = await call { _ in try editor.save() }
        form = editor.screen()
        return saved?.uuid
    }
}
