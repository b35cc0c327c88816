import Foundation
import UIKit

/// The camera's picture as a file for the core, which takes photos as files (it downsizes,
/// strips location data, hashes and stores them itself). The file lives in the app's
/// temporary folder only until the core has taken it in.
enum PhotoFile {
    /// Writes `image` as a JPEG to a new temporary file; nil when it cannot be encoded or
    /// written.
    static func write(_ image: UIImage) -> URL? {
        guard let data = image.jpegData(compressionQuality: 0.92) else {
            return nil
        }
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent(UUID().uuidString)
            .appendingPathExtension("jpg")
        do {
            try data.write(to: url, options: [.atomic, .completeFileProtection])
            return url
        } catch {
            return nil
        }
    }

    /// Deletes a file written by `write`.
    static func remove(_ url: URL) {
        try? FileManager.default.removeItem(at: url)
    }
}
