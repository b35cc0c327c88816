import BranchbookCore
import Foundation

/// Enrolling the phone with the Union's server: the QR code an officer shows (scanned) or
/// the server address and code typed; then the first send downloads the forms and the
/// member list. The core checks the code and keeps the device token.
@MainActor
final class EnrollModel: ScreenModel {
    @Published var server = ""
    @Published var code = ""
    @Published var deviceLabel = ""
    @Published var scanning = false
    @Published private(set) var working = false
    @Published private(set) var enrolled: Enrollment?

    init(core: Branchbook, app: AppModel) {
        super.init(core: core, app: app, name: "enroll")
    }

    /// Enrolls with what she typed.
    func enrollTyped() async {
        let server = self.server
        let code = self.code
        let label = deviceLabel
        await enroll { client, cancel in
            try client.enrollWithCode(serverUrl: server, code: code, deviceLabel: label, cancel: cancel)
        }
    }

    /// Enrolls with the text of a scanned QR code.
    func enrollScanned(_ qr: String) async {
        scanning = false
        let label = deviceLabel
        await enroll { client, cancel in
            try client.enrollWithQr(qr: qr, deviceLabel: label, cancel: cancel)
        }
    }

    private func enroll(_ work: @escaping (SyncClient, CancelHandle) throws -> Enrollment) async {
        guard let send = app.send else {
            return
        }
        let client = send.client
        working = true
        defer { working = false }
        do {
            enrolled = try await attempt { _ in try work(client, CancelHandle()) }
            send.start()
        } catch {
            self.error = app.message(for: error)
        }
    }
}
