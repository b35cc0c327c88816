import AVFoundation
import BranchbookCore
import Combine
import SwiftUI

/// A sound or video question: she records with the microphone (in the app: iOS has no
/// recorder app to hand over to) or the camera (`CameraPicker.video`), and the file goes to the core, which
/// checks it is a recording of a size it takes and keeps it. What the answer reads as
/// ("✓ Recorded") comes from the core.
@MainActor
struct RecordingAnswer: View {
    @EnvironmentObject private var app: AppModel
    let question: Question
    @ObservedObject var model: SurveyModel
    @State private var recording = false

    private var video: Bool {
        question.kind == .video
    }

    var body: some View {
        VStack(alignment: .leading) {
            if question.value != nil {
                Text(answerText(question: question, language: app.language))
            }
            Button(buttonText) {
                let ask = video ? DeviceAccess.camera : DeviceAccess.microphone
                ask { granted in
                    if granted {
                        recording = true
                    } else {
                        model.error = app.t(video ? .formCameraDenied : .formMicrophoneDenied)
                    }
                }
            }
            ClearButton(question: question, model: model)
        }
        .sheet(isPresented: $recording) {
            if video {
                CameraPicker.video(onVideo: finish).ignoresSafeArea()
            } else {
                SoundRecorder(onDone: finish)
            }
        }
    }

    private var buttonText: String {
        if question.value != nil {
            return app.t(.formRecordAgain)
        }
        return app.t(video ? .formRecordVideo : .formRecordAudio)
    }

    private func finish(_ file: URL?) {
        recording = false
        guard let file else {
            return
        }
        let path = question.path
        Task { await model.attachRecording(path, file) }
    }
}

/// Records sound into a temporary .m4a (AAC, mono, 22.05 kHz, medium quality: about
/// 0.25 MB a minute), with the time so far, a stop button and a cancel button. It stops
/// by itself after an hour, so a recording stays well inside the core's 20 MB of sound.
@MainActor
struct SoundRecorder: View {
    @EnvironmentObject private var app: AppModel
    let onDone: (URL?) -> Void
    @State private var recorder: AVAudioRecorder?
    @State private var seconds = 0
    private let tick = Timer.publish(every: 1, on: .main, in: .common).autoconnect()

    /// The longest recording, in seconds.
    private static let longest: TimeInterval = 60 * 60

    var body: some View {
        VStack(spacing: 24) {
            Text(String(format: "%d:%02d", seconds / 60, seconds % 60))
                .font(.largeTitle.monospacedDigit())
            Button(app.t(.formStopRecording)) { stop() }
                .buttonStyle(.borderedProminent)
            Button(app.t(.actionCancel), role: .cancel) { cancel() }
        }
        .padding()
        .interactiveDismissDisabled()
        .onAppear { start() }
        .onReceive(tick) { _ in
            if let recorder, recorder.isRecording {
                seconds = Int(recorder.currentTime)
            }
        }
    }

    private func start() {
        let file = FileManager.default.temporaryDirectory
            .appendingPathComponent(UUID().uuidString)
            .appendingPathExtension("m4a")
        let settings: [String: Any] = [
            AVFormatIDKey: Int(kAudioFormatMPEG4AAC),
            AVSampleRateKey: 22_050,
            AVNumberOfChannelsKey: 1,
            AVEncoderAudioQualityKey: AVAudioQuality.medium.rawValue,
        ]
        do {
            let session = AVAudioSession.sharedInstance()
            try session.setCategory(.record, mode: .default)
            try session.setActive(true)
            let recorder = try AVAudioRecorder(url: file, settings: settings)
            guard recorder.record(forDuration: Self.longest) else {
                onDone(nil)
                return
            }
            self.recorder = recorder
        } catch {
            onDone(nil)
        }
    }

    private func stop() {
        guard let recorder else {
            onDone(nil)
            return
        }
        recorder.stop()
        try? AVAudioSession.sharedInstance().setActive(false)
        onDone(recorder.url)
    }

    private func cancel() {
        recorder?.stop()
        recorder?.deleteRecording()
        try? AVAudioSession.sharedInstance().setActive(false)
        onDone(nil)
    }
}
