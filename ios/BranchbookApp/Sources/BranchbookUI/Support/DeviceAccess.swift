import AVFoundation

/// Asks iOS for the camera or the microphone when a screen needs it, once: `done` gets
/// whether it may be used (on the main actor). The texts of iOS's question are in the
/// Info.plist (project.yml); what the app says when it is refused comes from the core.
enum DeviceAccess {
    /// The camera (QR code, barcode, video).
    static func camera(_ done: @escaping @MainActor (Bool) -> Void) {
        ask(.video, done)
    }

    /// The microphone (sound recordings).
    static func microphone(_ done: @escaping @MainActor (Bool) -> Void) {
        ask(.audio, done)
    }

    private static func ask(_ media: AVMediaType, _ done: @escaping @MainActor (Bool) -> Void) {
        switch AVCaptureDevice.authorizationStatus(for: media) {
        case .authorized:
            Task { @MainActor in done(true) }
        case .notDetermined:
            AVCaptureDevice.requestAccess(for: media) { granted in
                Task { @MainActor in done(granted) }
            }
        default:
            Task { @MainActor in done(false) }
        }
    }
}
