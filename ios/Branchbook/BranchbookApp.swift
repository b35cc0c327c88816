import BranchbookUI
import SwiftUI

/// The app's entry point. Everything else is in the BranchbookUI library
/// (ios/BranchbookApp), over the core's generated bindings (ios/BranchbookCore).
@main
@MainActor
struct BranchbookApp: App {
    @StateObject private var app = AppModel()

    var body: some Scene {
        WindowGroup {
            RootView()
                .environmentObject(app)
        }
    }
}
