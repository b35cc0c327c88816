import BranchbookCore
import SwiftUI

/// A household: details, members, visits and change history, with the survey to start.
@MainActor
struct HouseholdView: View {
    @EnvironmentObject private var app: AppModel
    @StateObject private var model: HouseholdModel

    init(core: Branchbook, app: AppModel, householdId: String) {
        _model = StateObject(wrappedValue: HouseholdModel(core: core, app: app, householdId: householdId))
    }

    var body: some View {
        List {
            if let household = model.household {
                details(household.body)
                Section {
                    Button(app.t(.householdStartSurvey)) {
                        app.go(.forms(householdId: household.uuid))
                    }
                    .font(.headline)
                    Button(app.t(.actionEdit)) {
                        app.go(.householdEdit(id: household.uuid))
                    }
                    Button(household.body.archived ? app.t(.householdUnarchive) : app.t(.householdArchive)) {
                        Task { await model.setArchived(!household.body.archived) }
                    }
                }
                visits
                history
            }
        }
        .navigationTitle(model.household?.body.headName ?? app.t(.householdEditTitle))
        .onAppear { Task { await model.load() } }
        .errorAlert($model.error, button: app.t(.actionOk))
    }

    private func details(_ record: HouseholdBody) -> some View {
        Section {
            LabeledContent(app.t(.householdHeadName), value: record.headName)
            LabeledContent(app.t(.householdVillage), value: record.village)
            if !record.address.isEmpty {
                LabeledContent(app.t(.householdAddress), value: record.address)
            }
            if !record.notes.isEmpty {
                LabeledContent(app.t(.householdNotes), value: record.notes)
            }
            if record.archived {
                Text(app.t(.householdArchived)).foregroundColor(.orange)
            }
            Text(app.f(.householdMembers, ["count": String(record.members.count)])).font(.headline)
            ForEach(record.members, id: \.id) { member in
                RowText(row: memberRow(member: member, language: app.language))
            }
        }
    }

    private var visits: some View {
        Section(app.t(.householdVisits)) {
            if model.visits.isEmpty {
                Text(app.t(.householdNoVisits)).foregroundColor(.secondary)
            }
            ForEach(model.visits, id: \.row.id) { visit in
                RowButton(row: visit.row) {
                    Task { await model.open(visit) }
                }
            }
        }
    }

    private var history: some View {
        Section(app.t(.householdRevisions)) {
            ForEach(model.revisions, id: \.revision) { revision in
                Text(app.f(.householdRevisionOn, [
                    "revision": String(revision.revision),
                    "date": app.time(revision.createdAt),
                ]))
                .font(.caption)
            }
        }
    }
}
