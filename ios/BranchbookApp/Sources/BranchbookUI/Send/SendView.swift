import BranchbookCore
import SwiftUI

/// Send: what waits, one button, the progress of the pass with items and bytes, what was
/// sent, what the server refused and why (with "send again"), and a stop button.
@MainActor
struct SendView: View {
    @EnvironmentObject private var app: AppModel
    @ObservedObject var model: SendModel

    var body: some View {
        List {
            if let status = model.status {
                Section {
                    if status.recordsWaiting == 0 && status.photosWaiting == 0 {
                        Text(app.t(.sendNothing))
                    } else {
                        Text(app.f(.sendWaiting, [
                            "records": String(status.recordsWaiting),
                            "photos": String(status.photosWaiting),
                            "size": app.size(status.photoBytesWaiting),
                        ]))
                    }
                }
            }
            Section {
                if model.running {
                    progress
                    Button(app.t(.sendStop), role: .destructive) { model.stop() }
                    Text(app.t(.sendInBackground)).font(.caption).foregroundColor(.secondary)
                } else {
                    Button(app.t(.sendButton)) { model.start() }
                        .font(.headline)
                }
                if let outcome = model.outcome {
                    Text(text(of: outcome))
                }
                if let at = model.lastSent {
                    Text(app.f(.sendLast, ["time": app.time(at)]))
                        .font(.caption)
                        .foregroundColor(.secondary)
                }
            }
            if let status = model.status, !status.refused.isEmpty {
                Section(app.t(.sendRefusedTitle)) {
                    ForEach(status.refused, id: \.uuid) { refused in
                        VStack(alignment: .leading) {
                            Text(app.f(.sendRefusedItem, [
                                "what": recordKindName(kind: refused.kind, language: app.language),
                                "reason": refused.reason,
                            ]))
                            Text(app.time(refused.at)).font(.caption).foregroundColor(.secondary)
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

    @ViewBuilder
    private var progress: some View {
        if let progress = model.progress {
            VStack(alignment: .leading, spacing: 6) {
                Text(phase(progress))
                if progress.itemsTotal > 0 {
                    ProgressView(value: Double(progress.itemsDone), total: Double(progress.itemsTotal))
                }
                if progress.bytesTotal > 0 {
                    Text(app.f(.sendBytes, [
                        "done": app.size(progress.bytesDone),
                        "total": app.size(progress.bytesTotal),
                    ]))
                    .font(.caption)
                }
            }
        } else {
            ProgressView()
        }
    }

    private func phase(_ progress: SyncProgress) -> String {
        let counts = ["done": String(progress.itemsDone), "total": String(progress.itemsTotal)]
        switch progress.phase {
        case .pullingForms:
            return app.t(.sendPhaseForms)
        case .pullingChanges:
            return app.t(.sendPhaseChanges)
        case .pushingRecords:
            return app.f(.sendPhaseRecords, counts)
        case .pushingPhotos:
            return app.f(.sendPhasePhotos, counts)
        case .done:
            return app.t(.sendPhaseDone)
        }
    }

    private func text(of outcome: SendModel.Outcome) -> String {
        switch outcome {
        case .sent(let report):
            return app.f(.sendSentSummary, [
                "records": String(report.recordsStored),
                "photos": String(report.photosStored),
            ])
        case .stopped:
            return app.t(.sendStopped)
        case .noNetwork:
            return app.t(.sendNoNetwork)
        case .revoked:
            return app.t(.sendRevoked)
        case .failed(let failure):
            return failure.userMessage(language: app.language)
        }
    }
}
