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
            if !model.enrolled {
                Section {
                    Text(app.t(.homeNotEnrolled))
                    Button(app.t(.enrollTitle)) { app.go(.enroll) }
                }
            }
            if let account = model.account {
                Section {
                    Text(app.f(.settingsAccount, ["account": account]))
                        .font(.headline)
                }
            }
            if let counts = model.counts {
                Section {
                    Text(app.f(.homeDrafts, ["count": String(counts.surveyDrafts + counts.openGatherings)]))
                    Text(app.f(.homeReady, ["count": String(counts.surveysReady + counts.gatheringsReady)]))
                    Text(app.f(.homeSent, ["count": String(counts.surveysSent)]))
                    if let at = model.lastSent {
                        Text(app.f(.sendLast, ["time": app.time(at)]))
                    }
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
                            app.go(.survey(submissionId: draft.uuid))
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
            if !model.openGatherings.isEmpty {
                Section(app.t(.gatheringOpen)) {
                    ForEach(model.openGatherings, id: \.uuid) { gathering in
                        Button {
                            app.go(.gathering(id: gathering.uuid))
                        } label: {
                            VStack(alignment: .leading) {
                                Text(gathering.details.topic)
                                Text("\(gathering.details.village) · \(app.time(gathering.details.startsAt))")
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
