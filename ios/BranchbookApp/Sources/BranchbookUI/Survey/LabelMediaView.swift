import AVFoundation
import BranchbookCore
import ImageIO
import SwiftUI
import UIKit

/// A label's media under its text, as the Android app shows them: its picture (decoded no
/// larger than it is drawn: a phone's memory is small), opening full screen when the form
/// has a big one, and a button to hear its recording. The file names come from the core
/// (`Question.media`), the bytes from the form's files in the core's store.
@MainActor
struct LabelMediaView: View {
    @EnvironmentObject private var app: AppModel
    let media: LabelMedia
    @ObservedObject var model: SurveyModel
    @State private var picture: UIImage?
    @State private var bigPicture: UIImage?
    @State private var showingBig = false
    @State private var player: AVAudioPlayer?

    var body: some View {
        VStack(alignment: .leading, spacing: 8) {
            if let picture {
                if media.bigImage != nil {
                    Button {
                        Task { await openBig() }
                    } label: {
                        Image(uiImage: picture).resizable().scaledToFit().frame(maxHeight: 240)
                    }
                    .accessibilityLabel(app.t(.formOpenPicture))
                } else {
                    Image(uiImage: picture).resizable().scaledToFit().frame(maxHeight: 240)
                }
            }
            if let audio = media.audio {
                Button(player == nil ? app.t(.formPlayAudio) : app.t(.formStopAudio)) {
                    Task { await toggle(audio) }
                }
                .frame(minHeight: 48)
            }
        }
        .task(id: media.image ?? media.bigImage) {
            picture = nil
            if let name = media.image ?? media.bigImage, let data = await model.mediaFile(name) {
                picture = LabelMediaView.decode(data, maxPixels: 720)
            }
        }
        .fullScreenCover(isPresented: $showingBig) {
            ZStack {
                Color.black.ignoresSafeArea()
                if let bigPicture {
                    Image(uiImage: bigPicture).resizable().scaledToFit()
                }
            }
            .onTapGesture { showingBig = false }
        }
        .onDisappear {
            player?.stop()
            player = nil
        }
    }

    private func openBig() async {
        guard let name = media.bigImage, let data = await model.mediaFile(name) else {
            return
        }
        bigPicture = LabelMediaView.decode(data, maxPixels: 2048)
        showingBig = bigPicture != nil
    }

    /// Plays the recording from its bytes (never written out of the encrypted store), or stops it.
    private func toggle(_ name: String) async {
        if let playing = player {
            playing.stop()
            player = nil
            return
        }
        guard let data = await model.mediaFile(name), let started = try? AVAudioPlayer(data: data) else {
            return
        }
        started.play()
        player = started
    }

    /// The picture in `data` shrunk while decoding to at most `maxPixels` on its longer side.
    static func decode(_ data: Data, maxPixels: Int) -> UIImage? {
        guard let source = CGImageSourceCreateWithData(data as CFData, nil) else {
            return nil
        }
        let options = [
            kCGImageSourceCreateThumbnailFromImageAlways: true,
            kCGImageSourceCreateThumbnailWithTransform: true,
            kCGImageSourceThumbnailMaxPixelSize: maxPixels,
        ] as CFDictionary
        guard let image = CGImageSourceCreateThumbnailAtIndex(source, 0, options) else {
            return nil
        }
        return UIImage(cgImage: image)
    }
}

/// A choice's picture (the choices sheet's `image` column) beside its label, 72 points
/// square; nothing when the choice has none.
@MainActor
struct ChoicePicture: View {
    let choice: ChoiceOption
    @ObservedObject var model: SurveyModel
    @State private var picture: UIImage?

    var body: some View {
        Group {
            if let picture {
                Image(uiImage: picture).resizable().scaledToFit().frame(width: 72, height: 72)
            }
        }
        .task(id: choice.media?.image) {
            picture = nil
            if let name = choice.media?.image, let data = await model.mediaFile(name) {
                picture = LabelMediaView.decode(data, maxPixels: 216)
            }
        }
    }
}
