// swift-tools-version:5.9
// The iOS app's screens as a Swift package: the library BranchbookUI holds every screen
// and its model (one ObservableObject per screen that calls the core and publishes what
// the screen shows). The Xcode app target in ios/Branchbook (see ios/project.yml and
// ios/README.md) is only the @main entry point and the Info.plist; it links this library.
// BranchbookCore is the generated Swift bindings over the core's XCFramework.
import PackageDescription

let package = Package(
    name: "BranchbookApp",
    platforms: [.iOS(.v16)],
    products: [
        .library(name: "BranchbookUI", targets: ["BranchbookUI"]),
    ],
    dependencies: [
        .package(path: "../BranchbookCore"),
    ],
    targets: [
        .target(
            name: "BranchbookUI",
            dependencies: [.product(name: "BranchbookCore", package: "BranchbookCore")],
            path: "Sources/BranchbookUI"
        ),
    ]
)
