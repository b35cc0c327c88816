// swift-tools-version:5.9
// The Swift package the iOS app depends on. Its one Swift target is the generated
// bindings (Sources/BranchbookCore/BranchbookCore.swift for the facade and
// BranchbookTypes.swift for the core types it passes, written by
// core/bindgen/generate.sh, never committed); they call into the core through the C
// module BranchbookCoreFFI, a binary XCFramework holding the static facade library
// (core/ffi) for devices and simulators, built by ios/build-xcframework.sh on a Mac.
import PackageDescription

let package = Package(
    name: "BranchbookCore",
    platforms: [.iOS(.v15)],
    products: [
        .library(name: "BranchbookCore", targets: ["BranchbookCore"]),
    ],
    targets: [
        .binaryTarget(name: "BranchbookCoreFFI", path: "BranchbookCoreFFI.xcframework"),
        .target(
            name: "BranchbookCore",
            dependencies: ["BranchbookCoreFFI"],
            path: "Sources/BranchbookCore"
        ),
    ]
)
