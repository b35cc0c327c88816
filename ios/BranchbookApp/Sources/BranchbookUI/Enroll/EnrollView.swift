import BranchbookCore
import SwiftUI

/// Enroll: scan the officer's QR code or type the server and code, name the phone, connect.
@MainActor
struct EnrollView: View {
    @EnvironmentObject private var app: AppModel
    @StateObject private var model: EnrollModel

    init(core: Branchbook, app: AppModel) {
        _model = StateObject(wrappedValue: EnrollModel(core: core, app: app))
    }

    var body: some View {
        Form {
            Section {
                Text(app.t(.enrollIntro))
                TextField(app.t(.enrollDeviceLabel), text: model.text(model.form.deviceLabel) { text in .deviceLabel(text: text) })
            }
            Section {
                Button(app.t(.enrollScanQr)) { askForCamera() }
            }
            Section {
                TextField(app.t(.enrollServer), text: model.text(model.form.server) { text in .server(text: text) })
                    .keyboardType(.URL)
                    .textInputAutocapitalization(.never)
                    .autocorrectionDisabled()
                InputNote(text: model.form.invalid == .serverAddress ? model.form.error : nil)
                TextField(app.t(.enrollCode), text: model.text(model.form.code) { text in .code(text: text) })
                    .textInputAutocapitalization(.never)
                    .autocorrectionDisabled()
                InputNote(text: model.form.invalid == .enrollmentCode ? model.form.error : nil)
                Button(app.t(.enrollSubmit)) {
                    Task { await model.enrollTyped() }
                }
                .disabled(model.form.connecting)
            }
            if let error = model.form.error, model.form.invalid == nil {
                InputNote(text: error)
            }
            if let status = model.form.status {
                ProgressView(status)
            }
            if let enrollment = model.enrolled {
                Section {
                    Text(app.f(.enrollDone, ["branch": enrollment.branchName]))
                    Text(app.t(.enrollFirstSync)).font(.caption)
                    Button(app.t(.actionOk)) { app.back() }
                }
            }
        }
        .navigationTitle(app.t(.enrollTitle))
        .onDisappear { model.cancel() }
        .sheet(isPresented: $model.scanning) {
            CodeScannerView { text in
                Task { await model.enrollScanned(text) }
            }
            .ignoresSafeArea()
        }
        .errorAlert($model.error, button: app.t(.actionOk))
    }

    private func askForCamera() {
        DeviceAccess.camera { granted in
            if granted {
                model.scanning = true
            } else {
                model.cameraDenied()
            }
        }
    }
}
