// swift-tools-version: 6.1
import Foundation
import PackageDescription

// The benchmarks are a package of their own so that building and testing actorkeys never
// compiles package-benchmark. They depend on actorkeys by path; a path dependency's identity is
// its folder's name, which depends on where the repository was cloned.
let actorkeys = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .lastPathComponent.lowercased()

let package = Package(
    name: "actorkeys-benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        // The raw C baselines every ratio is measured against, in the same binary.
        .target(
            name: "CBaselines",
            linkerSettings: [.linkedLibrary("sodium"), .linkedLibrary("crypto")]
        ),
        .executableTarget(
            name: "EnvelopeBenchmarks",
            dependencies: [
                "CBaselines",
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "ActorKeys", package: actorkeys),
                .product(name: "Envelope", package: actorkeys),
            ],
            path: "Benchmarks/EnvelopeBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ]
)
