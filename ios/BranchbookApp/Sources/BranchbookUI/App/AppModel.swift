import BranchbookCore
import Foundation
import SwiftUI

/// The app's shared state: the core opened on the app's data folder, the language of the
/// app's words, the navigation stack, and the send that goes on while she uses other
/// screens. Every screen takes its words from here (`t`, `f`), and they come from the
/// core's catalogue, the same words the Android app shows.
@MainActor
public final class AppModel: ObservableObject {
    /// How far opening the core got.
    public enum Opening {
        case opening
        case failed(String)
        case ready(Branchbook)
    }

    /// Whether the core is open yet (the root view shows a spinner, the failure or home).
    @Published public private(set) var opening: Opening = .opening
    /// The open screens above home; saved at every change.
    @Published public var path: [Route] = [] {
        didSet { defaults.set(try? JSONEncoder().encode(path), forKey: Self.routesKey) }
    }
    /// The language of the app's words.
    @Published public var language: UiLanguage {
        didSet { defaults.set(language == .en ? "en" : "vi", forKey: Self.languageKey) }
    }
    /// The label language she prefers for forms (a form language's name or code); nil
    /// leaves each form's default.
    @Published public var formLanguage: String? {
        didSet { defaults.set(formLanguage, forKey: Self.formLanguageKey) }
    }
    /// The send model, alive as long as the app so a send continues across screens.
    @Published public private(set) var send: SendModel?

    private static let languageKey = "app.language"
    private static let formLanguageKey = "form.language"
    private static let routesKey = "app.routes"
    private let defaults: UserDefaults
    private let queue = CoreQueue("app")

    /// Reads the saved app and form languages from `defaults` (the phone's language
    /// the first time); `open()` then opens the core.
    public init(defaults: UserDefaults = .standard) {
        self.defaults = defaults
        switch defaults.string(forKey: Self.languageKey) {
        case "en":
            language = .en
        case "vi":
            language = .vi
        default:
            language = uiLanguageForLocale(locale: Locale.preferredLanguages.first ?? "vi")
        }
        formLanguage = defaults.string(forKey: Self.formLanguageKey)
    }

    /// This build as its bundle says it (CFBundleShortVersionString, CFBundleVersion): the
    /// server's phone list shows it.
    private static func release() -> AppRelease {
        let info = Bundle.main.infoDictionary ?? [:]
        return AppRelease(
            version: info["CFBundleShortVersionString"] as? String ?? "",
            build: info["CFBundleVersion"] as? String ?? ""
        )
    }

    /// Opens the core on the app's private folder with the Keychain's key.
    public func open() async {
        opening = .opening
        do {
            let folder = try FileManager.default
                .url(for: .applicationSupportDirectory, in: .userDomainMask, appropriateFor: nil, create: true)
                .appendingPathComponent("Branchbook", isDirectory: true)
            let key: Data = try Keychain.databaseKey()
            let deviceId: String = try Keychain.deviceId()
            let core: Branchbook = try await queue.run {
                try Branchbook.open(dataDir: folder.path, key: key, deviceId: deviceId, app: Self.release())
            }
            send = SendModel(core: core, app: self)
            opening = .ready(core)
            if let saved = defaults.data(forKey: Self.routesKey),
               let routes = try? JSONDecoder().decode([Route].self, from: saved) {
                path = routes
            }
        } catch {
            opening = .failed(message(for: error))
        }
    }

    /// The catalogue's text for `key` in the app language.
    public func t(_ key: TextKey) -> String {
        uiText(key: key, language: language)
    }

    /// The catalogue's text for `key` with its placeholders filled.
    public func f(_ key: TextKey, _ args: [String: String]) -> String {
        uiFormat(key: key, language: language, args: args)
    }

    /// The sentence to show for a failed call: the core's own for its errors.
    public func message(for error: Error) -> String {
        if let failure = error as? BranchbookError {
            return failure.userMessage(language: language)
        }
        return t(.errorStorage)
    }

    /// An instant as Vietnam's clock shows it, written the app language's way.
    public func time(_ instant: Date) -> String {
        formatInstant(at: instant, language: language)
    }

    /// A size in bytes for people.
    public func size(_ bytes: UInt64) -> String {
        formatBytes(bytes: bytes, language: language)
    }

    /// Goes to a screen.
    public func go(_ route: Route) {
        path.append(route)
    }

    /// Goes to a screen in place of the current one.
    public func replace(with route: Route) {
        if !path.isEmpty {
            path.removeLast()
        }
        path.append(route)
    }

    /// Leaves the current screen.
    public func back() {
        if !path.isEmpty {
            path.removeLast()
        }
    }
}
