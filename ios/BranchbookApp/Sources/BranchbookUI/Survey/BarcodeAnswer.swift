import BranchbookCore
import SwiftUI

/// A barcode question: the camera reads the code (any 1D or 2D code, as Collect's
/// scanner), or she types it; either way the text goes to the core as typed, which cleans
/// and checks it.
@MainActor
struct BarcodeAnswer: View {
    @EnvironmentObject private var app: AppModel
    let question: Question
    @ObservedObject var model: SurveyModel
    @State private var scanning = false
    /// Bumped after a scan, so the box is drawn again with the code the core kept.
    @State private var scans = 0

    var body: some View {
        VStack(alignment: .leading) {
            Button(app.t(.formScanCode)) {
                DeviceAccess.camera { granted in
                    if granted {
                        scanning = true
                    } else {
                        model.error = app.t(.formCameraDenied)
                    }
                }
            }
            Text(app.t(.formTypeCode)).font(.caption).foregroundColor(.secondary)
            TypedAnswer(question: question, model: model).id(scans)
        }
        .sheet(isPresented: $scanning) {
            CodeScannerView(types: CodeScannerView.barcodeTypes) { code in
                scanning = false
                let path = question.path
                Task {
                    await model.type(path, code)
                    scans += 1
                }
            }
            .ignoresSafeArea()
        }
    }
}
