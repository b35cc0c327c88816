import BranchbookCore
import Foundation
import SwiftUI

/// Enrolling the phone with the Union's server: the QR code an officer shows (scanned) or
/// the server address and code typed; then the first send downloads the forms and the
/// member list. The form lives in the core (`EnrollEditor`), which checks what she typed,
/// keeps the device token and says which input a refusal is about.
@MainActor
final class EnrollModel: ScreenModel {
    @Published var scanning = false
    @Published private(set) var enrolled: Enrollment?
    /// The typed address, code and phone name, the last refusal, and whether a try is
    /// under way, as the core gives them.
    @Published private(set) var form: EnrollForm
    private let editor: EnrollEditor
    /// Stops the enrollment under way when she leaves the screen.
    private var cancelHandle: CancelHandle?

    init(core: Branchbook, app: AppModel) {
        let opened = core.enrollEditor(language: app.language)
        editor = opened
        form = opened.screen()
        super.init(core: core, app: app, name: "enroll")
    }

    /// A text box's binding: shows `value` from the form, hands what she types to the core.
    func text(_ value: String, _ change: @escaping (String) -> EnrollEdit) -> Binding<String> {
        Binding(get: { value }, set: { [weak self] text in
            guard let self else {
                return
            }
            form = editor.edit(edit: change(text))
        })
    }

    /// The camera was refused: the screen says she can type the address and code.
    func cameraDenied() {
        form = editor.cameraDenied()
    }

    /// Enrolls with what she typed.
    func enrollTyped() async {
        let editor = self.editor
        await enroll { cancel in try editor.connect(cancel: cancel) }
    }

    /// Enrolls with the text of a scanned QR code.
    func enrollScanned(_ qr: String) async {
        scanning = false
        let editor = self.editor
        await enroll { cancel in try editor.connectScanned(qrPayload: qr, cancel: cancel) }
    }

    /// Stops an enrollment under way (nothing is kept of it).
    func cancel() {
        cancelHandle?.cancel()
    }

    /// Runs one of the core's enroll calls with a fresh cancel handle, then starts the
    /// first send. A refusal stays on the form, in the core's words.
    private func enroll(_ work: @escaping (CancelHandle) throws -> Enrollment) async {
        guard !form.connecting else {
            return
        }
        let handle = CancelHandle()
        cancelHandle = handle
        form = editor.connecting()
        defer {
            cancelHandle = nil
            form = editor.screen()
        }
        if let done = try? await attempt({ _ in try work(handle) }) {
            enrolled = done
            app.send?.start()
        }
    }
}
