import BranchbookCore
import SwiftUI

/// Send: what waits, one button, the progress of the pass with items and bytes, what was
/// sent, what the server refused and why (with "send again", and "correct" for surveys and
/// gatherings), and a stop button. Every sentence and the bar's fraction come from the core.
@MainActor
struct SendView: View {
    @EnvironmentObject private var app: AppModel
    @ObservedObject var model: SendModel

    var body: some View {
        List {
            if let screen = model.screen {
                Section {
                    if let notEnrolled = screen.notEnrolled {
                        Text(notEnrolled)
                        Button(app.t(.enrollTitle)) { app.go(.enroll) }
                    }
                    Text(screen.waiting)
                }
            }
            Section {
                if model.running {
                    progress
                    Button(app.t(.sendStop), role: .destructive) { model.stop() }
                    Text(app.t(.sendInBackground)).font(.caption).foregroundColor(.secondary)
                } else if model.screen?.notEnrolled == nil {
                    Button(app.t(.sendButton)) { model.start() }
                        .font(.headline)
                }
                if let outcome = model.outcome {
                    Text(text(of: outcome))
                }
                if let lastSent = model.screen?.lastSent {
                    Text(lastSent)
                        .font(.caption)
                        .foregroundColor(.secondary)
                }
            }
            if let screen = model.screen, let title = screen.refusedTitle {
                Section(title) {
                    ForEach(screen.refused, id: \.id) { refused in
                        VStack(alignment: .leading) {
                            Text(refused.text)
                            Text(refused.at).font(.caption).foregroundColor(.secondary)
                            if refused.correctable {
                                Button(app.t(.actionEdit)) {
                                    Task { await model.correct(refused) }
                                }
                            }
                            Button(app.t(.sendAgain)) {
                                Task { await model.sendAgain(refused) }
                            }
                        }
                    }
                }
            }
        }
        .navigationTitle(app.t(.sendTitle))
        .onAppear { Task { await model.refresh() } }
        .errorAlert($model.error, button: app.t(.actionOk))
    }

    private var progress: some View {
        let view = syncProgressView(progress: model.progress, language: app.language)
        return VStack(alignment: .leading, spacing: 6) {
            Text(view.sentence)
            if let fraction = view.fraction {
                ProgressView(value: fraction)
            } else {
                ProgressView()
            }
            if let bytes = view.bytes {
                Text(bytes).font(.caption)
            }
        }
    }

    private func text(of outcome: SendModel.Outcome) -> String {
        switch outcome {
        case .sent(let report):
            return syncReportText(report: report, language: app.language)
        case .failed(let failure):
            return failure.sendMessage(language: app.language)
        }
    }
}
