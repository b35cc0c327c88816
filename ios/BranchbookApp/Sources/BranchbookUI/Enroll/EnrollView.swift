import AVFoundation
import BranchbookCore
import SwiftUI

/// Enroll: scan the officer's QR code or type the server and code, name the phone, connect.
@MainActor
struct EnrollView: View {
    @EnvironmentObject private var app: AppModel
    @StateObject private var model: EnrollModel
    @State private var cameraDenied = false

    init(core: Branchbook, app: AppModel) {
        _model = StateObject(wrappedValue: EnrollModel(core: core, app: app))
    }

    var body: some View {
        Form {
            Section {
                Text(app.t(.enrollIntro))
                TextField(app.t(.enrollDeviceLabel), text: $model.deviceLabel)
            }
            Section {
                Button(app.t(.enrollScanQr)) { askForCamera() }
                if cameraDenied {
                    Text(app.t(.enrollCameraDenied)).foregroundColor(.red)
                }
            }
            Section {
                TextField(app.t(.enrollServer), text: $model.server)
                    .keyboardType(.URL)
                    .textInputAutocapitalization(.never)
                    .autocorrectionDisabled()
                InputNote(text: model.note(.serverAddress))
                TextField(app.t(.enrollCode), text: $model.code)
                    .textInputAutocapitalization(.never)
                    .autocorrectionDisabled()
                InputNote(text: model.note(.enrollmentCode))
                Button(app.t(.enrollSubmit)) {
                    Task { await model.enrollTyped() }
                }
                .disabled(model.working)
            }
            if model.working {
                ProgressView(app.t(.enrollConnecting))
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
            QRScannerView { text in
                Task { await model.enrollScanned(text) }
            }
            .ignoresSafeArea()
        }
        .errorAlert($model.error, button: app.t(.actionOk))
    }

    private func askForCamera() {
        switch AVCaptureDevice.authorizationStatus(for: .video) {
        case .authorized:
            model.scanning = true
        case .notDetermined:
            AVCaptureDevice.requestAccess(for: .video) { granted in
                Task { @MainActor in
                    cameraDenied = !granted
                    model.scanning = granted
                }
            }
        default:
            cameraDenied = true
        }
    }
}
