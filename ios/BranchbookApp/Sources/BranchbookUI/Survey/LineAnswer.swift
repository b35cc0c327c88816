import BranchbookCore
import CoreLocation
import SwiftUI

/// A line walked along a road (`geotrace`) or an area walked around (`geoshape`), taken
/// point by point as ODK Collect's manual mode does. What it says and which buttons it
/// offers are the core's (`geoLineView`): add where she stands (a fix, saved once its
/// accuracy suits her, as the GPS question does), take back the last point, remove them all.
@MainActor
struct LineAnswer: View {
    @EnvironmentObject private var app: AppModel
    let question: Question
    @ObservedObject var model: SurveyModel
    @StateObject private var reader = LocationReader()
    @State private var confirmingClear = false

    var body: some View {
        let view = geoLineView(question: question, language: app.language)
        VStack(alignment: .leading, spacing: 6) {
            Text(view.help).font(.callout)
            Text(view.summary)
            FixPrompt(reader: reader, start: view.addPoint, enabled: view.canAddPoint) { fix in add(fix) }
            Button(view.removeLast) {
                let path = question.path
                Task { await model.removeLastLinePoint(path) }
            }
            .disabled(!view.canRemoveLast)
            Button(view.clear, role: .destructive) { confirmingClear = true }
                .disabled(!view.canClear)
                .confirmationDialog(view.clearConfirm, isPresented: $confirmingClear, titleVisibility: .visible) {
                    Button(view.clear, role: .destructive) {
                        let path = question.path
                        Task { await model.clear(path) }
                    }
                }
        }
        .buttonStyle(.bordered)
        .onDisappear { reader.stop() }
    }

    private func add(_ fix: CLLocation) {
        reader.stop()
        let point = LocationReader.point(fix)
        let path = question.path
        Task { await model.addLinePoint(path, point) }
    }
}
