import BranchbookCore
import SwiftUI

/// Home: her branch, her counts and the three jobs (visit a household, hold a gathering,
/// send), with the drafts she left unfinished.
@MainActor
struct HomeView: View {
    @EnvironmentObject private var app: AppModel
    @StateObject private var model: HomeModel

    init(core: Branchbook, app: AppModel) {
        _model = StateObject(wrappedValue: HomeModel(core: core, app: app))
    }

    var body: some View {
        List {
            if let enrollment = model.enrollment {
                Section {
                    Text(app.f(.homeBranch, ["branch": enrollment.branchName]))
                        .font(.headline)
                }
            } else {
                Section {
                    Text(app.t(.homeNotEnrolled))
                    Button(app.t(.enrollTitle)) { app.go(.enroll) }
                }
            }
            if let counts = model.counts {
                Section {
                    Text(app.f(.homeDrafts, ["count": String(counts.surveyDrafts)]))
                    Text(app.f(.homeReady, ["count": String(counts.surveysReady + counts.gatheringsReady)]))
                    Text(app.f(.homeSent, ["count": String(counts.surveysSent)]))
                    if counts.needsAttention > 0 {
                        Button(app.f(.homeAttention, ["count": String(counts.needsAttention)])) { app.go(.send) }
                            .foregroundColor(.red)
                    }
                }
            }
            Section {
                Button(app.t(.homeVisitHousehold)) { app.go(.households) }
                Button(app.t(.homeHoldGathering)) { app.go(.gatherings) }
                Button(app.t(.homeSend)) { app.go(.send) }
            }
            .font(.title3)
            if !model.drafts.isEmpty {
                Section(app.t(.stateDraft)) {
                    ForEach(model.drafts, id: \.uuid) { draft in
                        Button {
                            app.go(.survey(.resume(submissionId: draft.uuid)))
                        } label: {
                            VStack(alignment: .leading) {
                                Text(draft.title ?? draft.formId)
                                Text(app.time(draft.updatedAt))
                                    .font(.caption)
                                    .foregroundColor(.secondary)
                            }
                        }
                    }
                }
            }
        }
        .navigationTitle(app.t(.appName))
        .toolbar {
            ToolbarItem(placement: .navigationBarTrailing) {
                Button(app.t(.homeSettings)) { app.go(.settings) }
            }
        }
        .onAppear { Task { await model.load() } }
        .refreshable { await model.load() }
        .errorAlert($model.error, button: app.t(.actionOk))
    }
}
