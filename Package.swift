// swift-tools-version: 6.1
import PackageDescription

// Module direction (see DESIGN.md): ActorKeys → Envelope. The C modules are thin
// system-library targets, imported `internal`ly and never exported.
let package = Package(
    name: "actorkeys",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "ActorKeys", targets: ["ActorKeys"]),
        .library(name: "Envelope", targets: ["Envelope"]),
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
        // Temporary directories and child processes for the test targets; not a product.
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "ActorKeysTests", dependencies: ["ActorKeys", "TestSupport"]),
        .testTarget(name: "EnvelopeTests", dependencies: ["Envelope", "ActorKeys", "TestSupport"]),
    ]
)
