import BranchbookCore
import Foundation
import SwiftUI

/// Creating a gathering, or changing an open one's kind, topic, village, time,
/// facilitator or notes. The form lives in the core (`GatheringEditor`), which starts a new
/// gathering now (to the minute) and requires the topic and the village.
@MainActor
final class GatheringDetailsModel: ScreenModel {
    let gatheringId: String?
    /// The form as the core gives it; nil until it is read.
    @Published private(set) var form: GatheringForm?
    private var editor: GatheringEditor?

    init(core: Branchbook, app: AppModel, gatheringId: String?) {
        self.gatheringId = gatheringId
        super.init(core: core, app: app, name: "gathering-details")
    }

    func load() async {
        let id = gatheringId
        let language = app.language
        guard let opened = await call({ core in try core.gatheringEditor(gatheringId: id, language: language) }) else {
            return
        }
        editor = opened
        form = opened.screen()
    }

    /// She chose, typed or picked a value.
    func edit(_ change: GatheringEdit) {
        form = editor?.edit(edit: change) ?? form
    }

    /// A binding that shows `value` from the form and hands her change to the core.
    func binding<T>(_ value: T, _ change: @escaping (T) -> GatheringEdit) -> Binding<T> {
        Binding(get: { value }, set: { [weak self] new in self?.edit(change(new)) })
    }

    /// Saves; gives the gathering's id when the core took it (a refusal stays on the form).
    func save() async -> String? {
        guard let editor else {
            return nil
        }
        let saved = await call { _ in try editor.save() }
        form = editor.screen()
        return saved?.uuid
    }
}
