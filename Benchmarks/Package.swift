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
            cSettings: [.unsafeFlags(["-I/usr/include/postgresql"])],
            linkerSettings: [
                .linkedLibrary("sodium"), .linkedLibrary("crypto"), .linkedLibrary("sqlite3"), .linkedLibrary("pq"),
            ]
        ),
        // Fixtures shared by the suites: payload sizes, scratch folders, workspaces on each backend.
        .target(
            name: "BenchmarkSupport",
            dependencies: [
                "CBaselines",
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "ActorKeys", package: actorkeys),
                .product(name: "Ledger", package: actorkeys),
                .product(name: "Registry", package: actorkeys),
                .product(name: "Admin", package: actorkeys),
            ]
        ),
        .executableTarget(
            name: "RecordBenchmarks",
            dependencies: [
                "CBaselines",
                "BenchmarkSupport",
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "ActorKeys", package: actorkeys),
                .product(name: "Envelope", package: actorkeys),
                .product(name: "Registry", package: actorkeys),
            ],
            path: "Benchmarks/RecordBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "AgeBenchmarks",
            dependencies: [
                "CBaselines",
                "BenchmarkSupport",
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "ActorKeys", package: actorkeys),
                .product(name: "Envelope", package: actorkeys),
            ],
            path: "Benchmarks/AgeBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "LedgerBenchmarks",
            dependencies: [
                "CBaselines",
                "BenchmarkSupport",
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "ActorKeys", package: actorkeys),
                .product(name: "Envelope", package: actorkeys),
                .product(name: "Registry", package: actorkeys),
                .product(name: "Ledger", package: actorkeys),
                .product(name: "Admin", package: actorkeys),
            ],
            path: "Benchmarks/LedgerBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ]
)
