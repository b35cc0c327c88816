import BranchbookCore
import CoreLocation
import SwiftUI

/// Form filling: the core's current page with a widget per question, back and next, the
/// repeat prompt, the end page with "finish", the jump list and the label language.
@MainActor
struct SurveyView: View {
    @EnvironmentObject private var app: AppModel
    @StateObject private var model: SurveyModel
    @State private var showingJumpList = false
    @State private var confirmingDelete = false
    @State private var confirmingRemoval = false

    init(core: Branchbook, app: AppModel, submissionId: String) {
        _model = StateObject(wrappedValue: SurveyModel(core: core, app: app, submissionId: submissionId))
    }

    var body: some View {
        VStack(spacing: 0) {
            if let screen = model.screen {
                header(screen)
                Form {
                    if model.pageIncomplete {
                        Text(app.t(.formPageHasErrors)).foregroundColor(.red)
                    }
                    page(screen)
                }
                footer(screen)
            } else {
                ProgressView(app.t(.commonLoading))
            }
        }
        .navigationTitle(model.screen?.title ?? "")
        .toolbar { toolbar }
        .sheet(isPresented: $showingJumpList) {
            JumpListView(model: model) { showingJumpList = false }
        }
        .sheet(isPresented: Binding(
            get: { !model.problems.isEmpty },
            set: { shown in
                if !shown {
                    model.problems = []
                }
            }
        )) {
            ProblemsView(model: model)
        }
        .confirmationDialog(app.t(.formDeleteDraftConfirm), isPresented: $confirmingDelete, titleVisibility: .visible) {
            Button(app.t(.formDeleteDraft), role: .destructive) {
                Task { await model.deleteDraft() }
            }
        }
        .confirmationDialog(app.t(.formRemoveRepeatConfirm), isPresented: $confirmingRemoval, titleVisibility: .visible) {
            Button(app.t(.formRemoveRepeat), role: .destructive) {
                Task { await model.removeEntry() }
            }
        }
        .onChange(of: model.finished) { finished in
            if finished {
                app.back()
            }
        }
        .task { await model.open() }
        .background(StartLocation(model: model))
        .background(AuditLocation(model: model))
        .errorAlert($model.error, button: app.t(.actionOk))
    }

    private func header(_ screen: Screen) -> some View {
        VStack(alignment: .leading, spacing: 4) {
            if !screen.breadcrumbs.isEmpty {
                Text(screen.breadcrumbs.map { crumb in crumb.text }.joined(separator: " › "))
                    .font(.caption)
            }
            ProgressView(value: Double(screen.progressPercent), total: 100) {
                Text(app.f(.formProgress, ["percent": String(screen.progressPercent)])).font(.caption2)
            }
        }
        .padding(.horizontal)
    }

    @ViewBuilder
    private func page(_ screen: Screen) -> some View {
        switch screen.page {
        case .questions:
            ForEach(screen.questions, id: \.path) { question in
                QuestionView(question: question, model: model)
            }
            if screen.removableEntry != nil {
                Section {
                    Button(app.t(.formRemoveRepeat), role: .destructive) { confirmingRemoval = true }
                }
            }
        case .repeatPrompt(let path, let label, let count):
            Section {
                Text(app.f(.formRepeatPrompt, ["count": String(count), "label": label]))
                Button(app.t(.formAddRepeat)) {
                    Task { await model.addRepeat(path) }
                }
                Button(app.t(.formNoMoreRepeat)) {
                    Task { await model.next() }
                }
            }
        case .end:
            Section {
                Text(app.t(.formEndTitle)).font(.headline)
                Text(app.t(.formEndBody))
                Button(app.t(.formFinalize)) {
                    Task { await model.finalize() }
                }
                .font(.headline)
            }
        }
    }

    private func footer(_ screen: Screen) -> some View {
        HStack {
            Button(app.t(.formBack)) {
                Task { await model.back() }
            }
            .disabled(!screen.canGoBack)
            Spacer()
            Text(app.t(.formAutosaved)).font(.caption2).foregroundColor(.secondary)
            Spacer()
            Button(app.t(.formNext)) {
                Task { await model.next() }
            }
            .disabled(!screen.canGoNext)
        }
        .padding()
    }

    @ToolbarContentBuilder
    private var toolbar: some ToolbarContent {
        ToolbarItem(placement: .navigationBarTrailing) {
            Menu {
                Button(app.t(.formJumpList)) {
                    Task {
                        await model.loadJumpTargets()
                        showingJumpList = true
                    }
                }
                if model.languages.count > 1 {
                    Picker(app.t(.formLabelLanguage), selection: Binding(
                        get: { model.language },
                        set: { name in Task { await model.setLanguage(name) } }
                    )) {
                        ForEach(model.languages, id: \.name) { language in
                            Text(language.name).tag(language.name)
                        }
                    }
                }
                Button(app.t(.formDeleteDraft), role: .destructive) { confirmingDelete = true }
            } label: {
                Image(systemName: "ellipsis.circle")
            }
        }
    }
}

/// Every question shown now, to jump to one.
@MainActor
struct JumpListView: View {
    @EnvironmentObject private var app: AppModel
    @ObservedObject var model: SurveyModel
    let close: () -> Void

    var body: some View {
        NavigationStack {
            List(model.jumpTargets, id: \.path) { target in
                Button {
                    Task {
                        await model.jump(target.path)
                        close()
                    }
                } label: {
                    VStack(alignment: .leading) {
                        if !target.section.isEmpty {
                            Text(target.section).font(.caption).foregroundColor(.secondary)
                        }
                        Text(target.label).fontWeight(target.current ? .bold : .regular)
                        if !target.answered {
                            Text(app.t(.formUnanswered)).font(.caption).foregroundColor(.orange)
                        }
                    }
                }
            }
            .navigationTitle(app.t(.formJumpList))
            .toolbar {
                ToolbarItem(placement: .cancellationAction) {
                    Button(app.t(.actionClose), action: close)
                }
            }
        }
    }
}

/// What finalizing found missing or wrong, each with the way to its question.
@MainActor
struct ProblemsView: View {
    @EnvironmentObject private var app: AppModel
    @ObservedObject var model: SurveyModel

    var body: some View {
        NavigationStack {
            List(model.problems, id: \.question) { problem in
                VStack(alignment: .leading, spacing: 4) {
                    Text(problem.label).font(.headline)
                    Text(problem.message).foregroundColor(.red)
                    Button(app.t(.formGoToQuestion)) {
                        let path = problem.question
                        model.problems = []
                        Task { await model.jump(path) }
                    }
                }
            }
            .navigationTitle(app.f(.formMissingTitle, ["count": String(model.problems.count)]))
        }
    }
}

/// Follows the phone's position while an audited form that asks for it shows; every fix
/// goes to the core, which keeps what its audit log needs.
@MainActor
struct AuditLocation: View {
    @ObservedObject var model: SurveyModel
    @StateObject private var reader = LocationReader()

    var body: some View {
        Color.clear
            .onChange(of: model.auditLocation?.priority) { priority in
                if let priority {
                    reader.follow(priority)
                }
            }
            .onReceive(reader.$latest) { fix in
                if let fix {
                    Task { await model.noteAuditLocation(fix) }
                }
            }
            .onDisappear { reader.stop() }
    }
}

/// Takes the form's start location when the core wants one: CoreLocation through the GPS
/// question's reader; the first fix within 25 m is kept, else the best one after a
/// minute; none at all records nothing.
@MainActor
struct StartLocation: View {
    @ObservedObject var model: SurveyModel
    @StateObject private var reader = LocationReader()

    var body: some View {
        Color.clear
            .onChange(of: model.wantsStartLocation) { wanted in
                if wanted {
                    reader.start()
                    Task {
                        try? await Task.sleep(nanoseconds: 60_000_000_000)
                        save(reader.best)
                    }
                }
            }
            .onReceive(reader.$best) { fix in
                if let fix, fix.horizontalAccuracy <= 25 {
                    save(fix)
                }
            }
            .onDisappear { reader.stop() }
    }

    private func save(_ fix: CLLocation?) {
        guard reader.running, let fix else {
            return
        }
        reader.stop()
        let point = LocationReader.point(fix)
        Task { await model.startLocation(point) }
    }
}
