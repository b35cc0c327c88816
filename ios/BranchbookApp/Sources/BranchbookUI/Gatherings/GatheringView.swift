import BranchbookCore
import SwiftUI
import UIKit

/// A gathering: details, live totals, check-in from the roster with one tap, walk-ins,
/// photos, the attendee list, closing.
@MainActor
struct GatheringView: View {
    @EnvironmentObject private var app: AppModel
    @StateObject private var model: GatheringModel
    @State private var takingPhoto = false
    @State private var confirmingClose = false
    @State private var confirmingDelete = false

    init(core: Branchbook, app: AppModel, gatheringId: String) {
        _model = StateObject(wrappedValue: GatheringModel(core: core, app: app, gatheringId: gatheringId))
    }

    var body: some View {
        List {
            if let heading = model.heading {
                Section {
                    Text(heading.title).font(.headline)
                    ForEach(heading.details, id: \.self) { line in
                        Text(line)
                    }
                    Text(heading.status)
                        .foregroundColor(heading.isOpen ? .green : .secondary)
                }
            }
            if let totals = model.totals {
                TotalsSection(totals: totals)
            }
            if model.isOpen {
                checkIn
            }
            attendeeList
            photoSection
            if model.isOpen {
                Section {
                    if model.attendees.isEmpty {
                        Text(app.t(.gatheringNeedsAttendee)).font(.caption).foregroundColor(.secondary)
                    }
                    Button(app.t(.gatheringClose)) { confirmingClose = true }
                        .font(.headline)
                    Button(app.t(.actionDelete), role: .destructive) { confirmingDelete = true }
                }
            }
        }
        .navigationTitle(app.t(.gatheringsTitle))
        .toolbar {
            if model.isOpen {
                ToolbarItem(placement: .navigationBarTrailing) {
                    Button(app.t(.actionEdit)) { app.go(.gatheringDetails(id: model.gatheringId)) }
                }
            }
        }
        .sheet(isPresented: Binding(get: { model.walkIn != nil }, set: { shown in if !shown { model.closeWalkIn() } })) {
            WalkInView(model: model)
        }
        .sheet(isPresented: $takingPhoto) {
            CameraPicker { picture in
                takingPhoto = false
                if let picture {
                    Task { await model.attachPhoto(picture) }
                }
            }
            .ignoresSafeArea()
        }
        .confirmationDialog(app.t(.gatheringCloseConfirm), isPresented: $confirmingClose, titleVisibility: .visible) {
            Button(app.t(.gatheringClose)) {
                Task { await model.close() }
            }
        }
        .confirmationDialog(app.t(.actionDelete), isPresented: $confirmingDelete) {
            Button(app.t(.actionDelete), role: .destructive) {
                Task {
                    if await model.delete() {
                        app.back()
                    }
                }
            }
        }
        .onChange(of: model.query) { text in model.search(text) }
        .onAppear { Task { await model.load() } }
        .errorAlert($model.error, button: app.t(.actionOk))
    }

    private var checkIn: some View {
        Section {
            TextField(app.t(.gatheringSearchRoster), text: $model.query)
                .autocorrectionDisabled()
            ForEach(model.candidates, id: \.member.id) { candidate in
                HStack {
                    RowText(row: rosterRow(member: candidate.member))
                    Spacer()
                    if candidate.checkedIn {
                        Text(app.t(.gatheringCheckedIn)).foregroundColor(.green)
                    } else {
                        Button(app.t(.gatheringCheckIn)) {
                            Task { await model.checkIn(candidate.member) }
                        }
                        .buttonStyle(.borderedProminent)
                    }
                }
            }
            Button(app.t(.gatheringWalkIn)) { model.openWalkIn() }
        }
    }

    private var attendeeList: some View {
        Section(app.f(.gatheringAttendees, ["count": String(model.attendees.count)])) {
            if model.attendees.isEmpty {
                Text(app.t(.gatheringNoAttendees)).foregroundColor(.secondary)
            }
            ForEach(model.attendees, id: \.id) { attendee in
                RowText(row: attendeeRow(attendee: attendee, language: app.language))
                    .swipeActions {
                        if model.isOpen {
                            Button(app.t(.gatheringRemoveAttendee), role: .destructive) {
                                Task { await model.remove(attendee) }
                            }
                        }
                    }
            }
        }
    }

    private var photoSection: some View {
        Section(app.f(.gatheringPhotos, ["count": String(model.photos.count)])) {
            ScrollView(.horizontal) {
                HStack {
                    ForEach(model.photos, id: \.sha256) { photo in
                        if let image = model.thumbnails[photo.sha256] {
                            Image(uiImage: image).resizable().scaledToFill().frame(width: 96, height: 96).clipped()
                                .contextMenu {
                                    if model.isOpen {
                                        Button(app.t(.actionDelete), role: .destructive) {
                                            Task { await model.detach(photo) }
                                        }
                                    }
                                }
                        }
                    }
                }
            }
            if model.isOpen {
                Button(app.t(.gatheringTakePhoto)) { takingPhoto = true }
            }
        }
    }
}

/// The head counts, from the core.
@MainActor
struct TotalsSection: View {
    @EnvironmentObject private var app: AppModel
    let totals: Totals

    var body: some View {
        let lines = totalsLines(totals: totals, language: app.language)
        Section(app.t(.gatheringTotals)) {
            Text(lines.total).font(.headline)
            ForEach(lines.bySex, id: \.self) { line in
                Text(line)
            }
            if !lines.byEthnicity.isEmpty {
                Text(app.t(.gatheringByEthnicity)).font(.subheadline)
                ForEach(lines.byEthnicity, id: \.self) { line in
                    Text(line)
                }
            }
            if !lines.byAgeGroup.isEmpty {
                Text(app.t(.gatheringByAgeGroup)).font(.subheadline)
                ForEach(lines.byAgeGroup, id: \.self) { line in
                    Text(line)
                }
            }
        }
    }
}

/// The short form of a walk-in: name, sex, birth year or age group, ethnic group, and
/// whether to add her to the roster. The core keeps what she types and says what is missing.
@MainActor
struct WalkInView: View {
    @EnvironmentObject private var app: AppModel
    @ObservedObject var model: GatheringModel
    @State private var makeMember = false

    var body: some View {
        NavigationStack {
            Form {
                if let walkIn = model.walkIn {
                    TextField(app.t(.walkInName), text: Binding(get: { walkIn.name }, set: { text in model.editWalkIn(.name(text: text)) }))
                    InputNote(text: walkIn.invalid == .name ? walkIn.error : nil)
                    SexPicker(title: app.t(.walkInSex), selection: Binding(get: { walkIn.sex }, set: { sex in model.editWalkIn(.sex(sex: sex)) }))
                    TextField(app.t(.walkInBirthYear), text: Binding(get: { walkIn.birthYear }, set: { text in model.editWalkIn(.birthYear(text: text)) }))
                        .keyboardType(.numberPad)
                    InputNote(text: walkIn.invalid == .birthYear ? walkIn.error : nil)
                    Picker(app.t(.walkInAgeGroup), selection: Binding(get: { walkIn.ageGroup }, set: { group in model.editWalkIn(.ageGroup(group: group)) })) {
                        Text(ageGroupName(ageGroup: nil, language: app.language)).tag(AgeGroup?.none)
                        ForEach(Choices.ageGroups, id: \.self) { group in
                            Text(ageGroupName(ageGroup: group, language: app.language)).tag(Optional(group))
                        }
                    }
                    if let hint = walkIn.ageHint {
                        Text(hint).font(.caption)
                            .foregroundColor(walkIn.invalid == .age ? .red : .secondary)
                    }
                    EthnicityPicker(title: app.t(.walkInEthnicity), selection: Binding(get: { walkIn.ethnicity }, set: { key in model.editWalkIn(.ethnicity(key: key)) }))
                    Toggle(app.t(.walkInMakeMember), isOn: $makeMember)
                    if let error = walkIn.error, walkIn.invalid == nil {
                        InputNote(text: error)
                    }
                }
            }
            .navigationTitle(app.t(.walkInTitle))
            .toolbar {
                ToolbarItem(placement: .cancellationAction) {
                    Button(app.t(.actionCancel)) { model.closeWalkIn() }
                }
                ToolbarItem(placement: .confirmationAction) {
                    Button(app.t(.walkInAdd)) {
                        let addToRoster = makeMember
                        Task { await model.addWalkIn(makeMember: addToRoster) }
                    }
                }
            }
        }
    }
}
