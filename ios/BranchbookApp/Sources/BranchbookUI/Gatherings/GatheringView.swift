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
            if let screen = model.screen {
                Section {
                    Text(screen.heading.title).font(.headline)
                    ForEach(screen.heading.details, id: \.self) { line in
                        Text(line)
                    }
                    Text(screen.heading.status)
                        .foregroundColor(screen.heading.isOpen ? .green : .secondary)
                }
                TotalsSection(lines: screen.totals)
                if screen.canChange {
                    checkIn(screen)
                }
                attendeeList(screen)
                photoSection(screen)
                if screen.canChange {
                    Section {
                        if let needed = screen.needsAttendee {
                            Text(needed).font(.caption).foregroundColor(.secondary)
                        }
                        Button(app.t(.gatheringClose)) { confirmingClose = true }
                            .font(.headline)
                        Button(app.t(.actionDelete), role: .destructive) { confirmingDelete = true }
                    }
                }
            }
        }
        .navigationTitle(app.t(.gatheringsTitle))
        .toolbar {
            if model.screen?.canChange == true {
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
                Task { await model.attachPhoto(picture) }
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

    private func checkIn(_ screen: AttendanceScreen) -> some View {
        Section {
            TextField(app.t(.gatheringSearchRoster), text: $model.query)
                .autocorrectionDisabled()
            ForEach(screen.candidates, id: \.row.id) { candidate in
                HStack {
                    RowText(row: candidate.row)
                    Spacer()
                    if candidate.checkedIn {
                        Text(candidate.action).foregroundColor(.green)
                    } else {
                        Button(candidate.action) {
                            Task { await model.checkIn(candidate) }
                        }
                        .buttonStyle(.borderedProminent)
                    }
                }
            }
            Button(app.t(.gatheringWalkIn)) { model.openWalkIn() }
        }
    }

    private func attendeeList(_ screen: AttendanceScreen) -> some View {
        Section(screen.attendeesHeading) {
            if let none = screen.noAttendees {
                Text(none).foregroundColor(.secondary)
            }
            ForEach(screen.attendees, id: \.row.id) { attendee in
                RowText(row: attendee.row)
                    .swipeActions {
                        if attendee.canRemove {
                            Button(app.t(.gatheringRemoveAttendee), role: .destructive) {
                                Task { await model.remove(attendee) }
                            }
                        }
                        if attendee.canMakeMember {
                            Button(app.t(.walkInMakeMember)) {
                                Task { await model.makeMember(attendee) }
                            }
                        }
                    }
            }
        }
    }

    private func photoSection(_ screen: AttendanceScreen) -> some View {
        Section(screen.photosHeading) {
            ScrollView(.horizontal) {
                HStack {
                    ForEach(screen.photos, id: \.sha256) { photo in
                        if let image = model.thumbnails[photo.sha256] {
                            Image(uiImage: image).resizable().scaledToFill().frame(width: 96, height: 96).clipped()
                                .contextMenu {
                                    if photo.canRemove {
                                        Button(app.t(.actionDelete), role: .destructive) {
                                            Task { await model.detach(photo) }
                                        }
                                    }
                                }
                        }
                    }
                }
            }
            if screen.canChange {
                Button(screen.takePhoto) {
                    model.takingPhoto()
                    takingPhoto = true
                }
                .disabled(!screen.canTakePhoto)
            }
        }
    }
}

/// The head counts, from the core.
@MainActor
struct TotalsSection: View {
    @EnvironmentObject private var app: AppModel
    let lines: TotalsLines

    var body: some View {
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

/// The short form of a walk-in: name, sex, birth year or age group, ethnic group (her row
/// on the list then offers to add her to the roster). The core keeps what she types and
/// says what is missing.
@MainActor
struct WalkInView: View {
    @EnvironmentObject private var app: AppModel
    @ObservedObject var model: GatheringModel

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
                        Task { await model.addWalkIn() }
                    }
                }
            }
        }
    }
}
