import SwiftUI
import UIKit
import UniformTypeIdentifiers

/// The system camera (UIImagePickerController), or the photo library where there is no
/// camera (the simulator): a photo, or with `CameraPicker.video` a video recording.
struct CameraPicker: UIViewControllerRepresentable {
    private let video: Bool
    private let onPicked: ([UIImagePickerController.InfoKey: Any]?) -> Void

    /// A photo: gives the picture taken, or nil when she cancels.
    init(onPicture: @escaping (UIImage?) -> Void) {
        video = false
        onPicked = { info in onPicture(info?[.originalImage] as? UIImage) }
    }

    private init(video: Bool, onPicked: @escaping ([UIImagePickerController.InfoKey: Any]?) -> Void) {
        self.video = video
        self.onPicked = onPicked
    }

    /// A video at medium quality, at most ten minutes (inside the core's 100 MB of video):
    /// gives a copy of the file recorded (the picker's own goes when it closes), or nil.
    static func video(onVideo: @escaping (URL?) -> Void) -> CameraPicker {
        CameraPicker(video: true) { info in
            onVideo((info?[.mediaURL] as? URL).flatMap(copied))
        }
    }

    /// A copy of `movie` in the temporary folder, or nil when it cannot be made.
    private static func copied(_ movie: URL) -> URL? {
        let copy = FileManager.default.temporaryDirectory
            .appendingPathComponent(UUID().uuidString)
            .appendingPathExtension(movie.pathExtension)
        return (try? FileManager.default.copyItem(at: movie, to: copy)).map { copy }
    }

    func makeUIViewController(context: Context) -> UIImagePickerController {
        let picker = UIImagePickerController()
        picker.sourceType = UIImagePickerController.isSourceTypeAvailable(.camera) ? .camera : .photoLibrary
        if video {
            picker.mediaTypes = [UTType.movie.identifier]
            if picker.sourceType == .camera {
                picker.cameraCaptureMode = .video
            }
            picker.videoQuality = .typeMedium
            picker.videoMaximumDuration = 10 * 60
        }
        picker.delegate = context.coordinator
        return picker
    }

    func updateUIViewController(_ picker: UIImagePickerController, context: Context) {}

    func makeCoordinator() -> Coordinator {
        Coordinator(onPicked: onPicked)
    }

    /// Receives the picker's result.
    final class Coordinator: NSObject, UIImagePickerControllerDelegate, UINavigationControllerDelegate {
        let onPicked: ([UIImagePickerController.InfoKey: Any]?) -> Void

        init(onPicked: @escaping ([UIImagePickerController.InfoKey: Any]?) -> Void) {
            self.onPicked = onPicked
        }

        func imagePickerController(
            _ picker: UIImagePickerController,
            didFinishPickingMediaWithInfo info: [UIImagePickerController.InfoKey: Any]
        ) {
            onPicked(info)
        }

        func imagePickerControllerDidCancel(_ picker: UIImagePickerController) {
            onPicked(nil)
        }
    }
}
