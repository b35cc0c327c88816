import BranchbookCore
import SwiftUI

/// The app's window: opens the core, then shows the home screen in a navigation stack
/// whose routes lead to every other screen.
@MainActor
public struct RootView: View {
    @EnvironmentObject private var app: AppModel

    /// The root reads everything from the `AppModel` in the environment.
    public init() {}

    /// A spinner while the core opens, the failure if it cannot, else home and its stack.
    public var body: some View {
        switch app.opening {
        case .opening:
            ProgressView(app.t(.commonLoading))
                .task { await app.open() }
        case .failed(let message):
            VStack(spacing: 16) {
                Text(message)
                Button(app.t(.actionRetry)) {
                    Task { await app.open() }
                }
            }
            .padding()
        case .ready(let core):
            NavigationStack(path: $app.path) {
                HomeView(core: core, app: app)
                    .navigationDestination(for: Route.self) { (route: Route) in
                        Destination(core: core, route: route)
                    }
            }
        }
    }
}

/// The screen of each route.
@MainActor
struct Destination: View {
    @EnvironmentObject private var app: AppModel
    let core: Branchbook
    let route: Route

    var body: some View {
        switch route {
        case .enroll:
            EnrollView(core: core, app: app)
        case .households:
            HouseholdsView(core: core, app: app)
        case .household(let id):
            HouseholdView(core: core, app: app, householdId: id)
        case .householdEdit(let id):
            HouseholdEditView(core: core, app: app, householdId: id)
        case .forms(let householdId):
            FormPickerView(core: core, app: app, householdId: householdId)
        case .survey(let submissionId):
            SurveyView(core: core, app: app, submissionId: submissionId)
        case .gatherings:
            GatheringsView(core: core, app: app)
        case .gathering(let id):
            GatheringView(core: core, app: app, gatheringId: id)
        case .gatheringDetails(let id):
            GatheringDetailsView(core: core, app: app, gatheringId: id)
        case .send:
            if let send = app.send {
                SendView(model: send)
            }
        case .settings:
            SettingsView(core: core, app: app)
        }
    }
}
