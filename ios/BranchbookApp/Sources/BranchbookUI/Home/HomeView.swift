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
            if let home = model.home {
                if let notEnrolled = home.notEnrolled {
                    Section {
                        Text(notEnrolled)
                        Button(app.t(.enrollTitle)) { app.go(.enroll) }
                    }
                }
                Section {
                    if let heading = home.heading {
                        Text(heading).font(.headline)
                    }
                    ForEach(home.counts, id: \.self) { line in
                        Text(line)
                    }
                    if let lastSent = home.lastSent {
                        Text(lastSent)
                    }
                    if let attention = home.attention {
                        Button(attention) { app.go(.send) }
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
            if let drafts = model.home?.drafts, !drafts.isEmpty {
                Section(app.t(.formResume)) {
                    ForEach(drafts, id: \.id) { row in
                        RowButton(row: row) { app.go(.survey(submissionId: row.id)) }
                    }
                }
            }
            if let gatherings = model.home?.openGatherings, !gatherings.isEmpty {
                Section(app.t(.gatheringOpen)) {
                    ForEach(gatherings, id: \.id) { row in
                        RowButton(row: row) { app.go(.gathering(id: row.id)) }
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

/// A list row from the core that opens something.
@MainActor
struct RowButton: View {
    let row: ListRow
    let open: () -> Void

    var body: some View {
        Button(action: open) {
            RowText(row: row)
        }
    }
}

/// A list row from the core: its title, and its detail line smaller under it.
@MainActor
struct RowText: View {
    let row: ListRow

    var body: some View {
        VStack(alignment: .leading) {
            Text(row.title)
            if !row.detail.isEmpty {
                Text(row.detail)
                    .font(.caption)
                    .foregroundColor(.secondary)
            }
        }
    }
}
