// swift-tools-version: 6.1
import PackageDescription

// Module direction (see DESIGN.md): ActorKeys → Envelope → CLI. The C modules are thin
// system-library targets, imported `internal`ly and never exported.
let package = Package(
    name: "actorkeys",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "ActorKeys", targets: ["ActorKeys"]),
        .library(name: "Envelope", targets: ["Envelope"]),
        .executable(name: "actorkeys", targets: ["CLI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2")
    ],
    targets: [
        .systemLibrary(
            name: "CSodium",
            pkgConfig: "libsodium",
            providers: [.apt(["libsodium-dev"])]
        ),
        .systemLibrary(
            name: "COpenSSL",
            pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]
        ),
        .target(name: "ActorKeys", dependencies: ["CSodium"]),
        .target(name: "Envelope", dependencies: ["ActorKeys", "CSodium", "COpenSSL"]),
        .executableTarget(
            name: "CLI",
            dependencies: [
                "ActorKeys", "Envelope",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Temporary directories and child processes for the test targets; not a product.
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "ActorKeysTests", dependencies: ["ActorKeys", "TestSupport"]),
        .testTarget(name: "EnvelopeTests", dependencies: ["Envelope", "ActorKeys", "TestSupport"]),
        .testTarget(name: "CLITests", dependencies: ["CLI", "Envelope", "ActorKeys", "TestSupport"]),
    ]
)
