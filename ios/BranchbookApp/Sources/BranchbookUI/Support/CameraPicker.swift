import SwiftUI
import UIKit

/// The system camera (UIImagePickerController), or the photo library where there is no
/// camera (the simulator). Gives the picture taken, or nil when she cancels.
struct CameraPicker: UIViewControllerRepresentable {
    let onPicture: (UIImage?) -> Void

    func makeUIViewController(context: Context) -> UIImagePickerController {
        let picker = UIImagePickerController()
        picker.sourceType = UIImagePickerController.isSourceTypeAvailable(.camera) ? .camera : .photoLibrary
        picker.delegate = context.coordinator
        return picker
    }

    func updateUIViewController(_ picker: UIImagePickerController, context: Context) {}

    func makeCoordinator() -> Coordinator {
        Coordinator(onPicture: onPicture)
    }

    /// Receives the picker's result.
    final class Coordinator: NSObject, UIImagePickerControllerDelegate, UINavigationControllerDelegate {
        let onPicture: (UIImage?) -> Void

        init(onPicture: @escaping (UIImage?) -> Void) {
            self.onPicture = onPicture
        }

        func imagePickerController(
            _ picker: UIImagePickerController,
            didFinishPickingMediaWithInfo info: [UIImagePickerController.InfoKey: Any]
        ) {
            onPicture(info[.originalImage] as? UIImage)
        }

        func imagePickerControllerDidCancel(_ picker: UIImagePickerController) {
            onPicture(nil)
        }
    }
}
