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
    /// Stops the enrollment under way when she leaves the screen.
    private var cancelHandle: CancelHandle?

    init(core: Branchbook, app: AppModel) {
        super.init(core: core, app: app, name: "enroll")
    }

    /// Enrolls with what she typed.
    func enrollTyped() async {
        let server = self.server
        let code = self.code
        let label = deviceLabel
        await enroll(scanned: false) { core, cancel in
            try core.enroll(serverUrl: server, code: code, deviceLabel: label, cancel: cancel)
        }
    }

    /// Enrolls with the text of a scanned QR code.
    func enrollScanned(_ qr: String) async {
        scanning = false
        let label = deviceLabel
        await enroll(scanned: true) { core, cancel in
            try core.enrollWithQr(qrPayload: qr, deviceLabel: label, cancel: cancel)
        }
    }

    /// Stops an enrollment under way (nothing is kept of it).
    func cancel() {
        cancelHandle?.cancel()
    }

    /// Runs one of the core's enroll calls with a fresh cancel handle, then starts the
    /// first send. A scanned code the core finds malformed is told as a bad QR code.
    private func enroll(scanned: Bool, _ work: @escaping (Branchbook, CancelHandle) throws -> Enrollment) async {
        let handle = CancelHandle()
        cancelHandle = handle
        working = true
        defer {
            working = false
            cancelHandle = nil
        }
        do {
            enrolled = try await attempt { core in try work(core, handle) }
            app.send?.start()
        } catch BranchbookError.Cancelled {
            return
        } catch {
            refused(error)
            if scanned, refuses(.enrollmentCode) {
                self.error = app.t(.enrollBadQr)
            } else {
                self.error = app.message(for: error)
            }
        }
    }
}
