import AVFoundation
import SwiftUI
import UIKit

/// The camera looking for a code (AVFoundation's metadata output): the enrollment QR
/// code, or any of `barcodeTypes` for a barcode question; gives the text of the first code
/// it reads. What the text means is for the core to decide.
struct CodeScannerView: UIViewControllerRepresentable {
    /// The codes a barcode question reads, as ODK Collect's scanner does: 1D and 2D.
    static let barcodeTypes: [AVMetadataObject.ObjectType] = [
        .qr, .ean8, .ean13, .upce, .code39, .code93, .code128, .itf14, .interleaved2of5,
        .pdf417, .aztec, .dataMatrix,
    ]

    var types: [AVMetadataObject.ObjectType] = [.qr]
    let onCode: (String) -> Void

    func makeUIViewController(context: Context) -> ScannerController {
        ScannerController(types: types, onCode: onCode)
    }

    func updateUIViewController(_ controller: ScannerController, context: Context) {}

    /// Runs the capture session and shows its preview.
    final class ScannerController: UIViewController, AVCaptureMetadataOutputObjectsDelegate {
        private let session = AVCaptureSession()
        private let types: [AVMetadataObject.ObjectType]
        private let onCode: (String) -> Void
        private var found = false

        init(types: [AVMetadataObject.ObjectType], onCode: @escaping (String) -> Void) {
            self.types = types
            self.onCode = onCode
            super.init(nibName: nil, bundle: nil)
        }

        required init?(coder: NSCoder) {
            return nil
        }

        override func viewDidLoad() {
            super.viewDidLoad()
            view.backgroundColor = .black
            guard let camera = AVCaptureDevice.default(for: .video),
                  let input = try? AVCaptureDeviceInput(device: camera),
                  session.canAddInput(input) else {
                return
            }
            session.addInput(input)
            let output = AVCaptureMetadataOutput()
            guard session.canAddOutput(output) else {
                return
            }
            session.addOutput(output)
            output.setMetadataObjectsDelegate(self, queue: .main)
            output.metadataObjectTypes = types.filter { output.availableMetadataObjectTypes.contains($0) }
            let preview = AVCaptureVideoPreviewLayer(session: session)
            preview.videoGravity = .resizeAspectFill
            preview.frame = view.layer.bounds
            view.layer.addSublayer(preview)
        }

        override func viewWillAppear(_ animated: Bool) {
            super.viewWillAppear(animated)
            let session = self.session
            DispatchQueue.global(qos: .userInitiated).async { session.startRunning() }
        }

        override func viewWillDisappear(_ animated: Bool) {
            super.viewWillDisappear(animated)
            session.stopRunning()
        }

        func metadataOutput(
            _ output: AVCaptureMetadataOutput,
            didOutput metadataObjects: [AVMetadataObject],
            from connection: AVCaptureConnection
        ) {
            guard !found,
                  let code = metadataObjects.first as? AVMetadataMachineReadableCodeObject,
                  let text = code.stringValue else {
                return
            }
            found = true
            session.stopRunning()
            onCode(text)
        }
    }
}
