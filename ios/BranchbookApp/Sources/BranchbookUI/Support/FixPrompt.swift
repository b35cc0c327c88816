import BranchbookCore
import CoreLocation
import SwiftUI

/// Asking the phone where it is, for a GPS question or a line's next point: the button
/// that starts it, then the accuracy as it improves (the core's words) and Save, which
/// hands the best fix on.
@MainActor
struct FixPrompt: View {
    @EnvironmentObject private var app: AppModel
    @ObservedObject var reader: LocationReader
    /// The button's words (the question's own: "Get the location", "Add where I am now").
    let start: String
    /// Whether the button is offered (the core says so for a line).
    let enabled: Bool
    let save: (CLLocation) -> Void

    var body: some View {
        if reader.running {
            if let fix = reader.best {
                Text(app.f(.formLocationAccuracy, ["meters": String(Int(fix.horizontalAccuracy.rounded()))]))
                Button(app.t(.actionSave)) { save(fix) }
            } else {
                ProgressView()
            }
        } else {
            Button(start) { reader.start() }
                .disabled(!enabled)
        }
    }
}
