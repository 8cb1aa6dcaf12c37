// swift-tools-version: 6.1
import PackageDescription

// Module direction (see DESIGN.md): ActorKeys → Envelope → Registry → Ledger → Admin → CLI, and
// Admin → AdminHTTP → ServerMain (`actorkeys-server`, the same CLI with the HTTP server in it).
// The C modules are thin system-library targets, imported `internal`ly and never exported.
// Admin (workspace, use cases, reports) links no HTTP stack; the HTTP API is AdminHTTP, above
// it (docs/decisions/0005-library-root-without-http.md).
let package = Package(
    name: "actorkeys",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "ActorKeys", targets: ["ActorKeys"]),
        .library(name: "Envelope", targets: ["Envelope"]),
        .library(name: "Registry", targets: ["Registry"]),
        .library(name: "Ledger", targets: ["Ledger"]),
        .library(name: "RootKeys", targets: ["RootKeys"]),
        .library(name: "Admin", targets: ["Admin"]),
        .library(name: "AdminHTTP", targets: ["AdminHTTP"]),
        .executable(name: "actorkeys", targets: ["ActorKeysMain"]),
        .executable(name: "actorkeys-server", targets: ["ServerMain"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        // The KMS providers' HTTP client (one kept client, timeouts on every call).
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        // HTTP parts as swift-http-types, for the server's request deadlines (Hummingbird's own).
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        // serve --tls-cert/--tls-key (already in the build through async-http-client).
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        // Post-quantum age (mlkem768x25519): X-Wing and HPKE, which libsodium and OpenSSL 3.0 lack.
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        // Tests only: the served OpenAPI document is parsed as YAML and compared with the routes.
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
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
        .systemLibrary(
            name: "CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        // libpq, opened with dlopen on first use (a SQLite run never loads it and its two dozen
        // libraries); its header comes from libpq-dev.
        .target(name: "CLibPQ", linkerSettings: [.linkedLibrary("dl")]),
        // PKCS#11 types only: the HSM's module is loaded at run time with dlopen, nothing is linked.
        .systemLibrary(
            name: "CPKCS11",
            providers: [.apt(["libp11-kit-dev"])]
        ),
        // glibc's mallopt, for the server: header only, part of libc.
        .systemLibrary(name: "CMalloc"),
        .target(
            name: "ActorKeys", dependencies: ["CSodium", .product(name: "Crypto", package: "swift-crypto")]),
        .target(
            name: "Envelope",
            dependencies: ["ActorKeys", "CSodium", "COpenSSL", .product(name: "Crypto", package: "swift-crypto")]),
        .target(name: "Registry", dependencies: ["ActorKeys", "Envelope"]),
        .target(name: "Ledger", dependencies: ["ActorKeys", "Envelope", "Registry", "CSQLite", "CLibPQ"]),
        // Root key providers (local file, Vault/OpenBao Transit, AWS KMS, Azure Key Vault, PKCS#11):
        // an HTTP client, never a server.
        .target(
            name: "RootKeys",
            dependencies: [
                "ActorKeys", "Envelope", "CPKCS11",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]),
        .target(name: "Admin", dependencies: ["ActorKeys", "Envelope", "Registry", "Ledger", "RootKeys"]),
        .target(
            name: "AdminHTTP",
            dependencies: [
                "ActorKeys", "Ledger", "Registry", "Admin",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
            ],
            // The web console, served from the binary itself (no file beside it, no CDN).
            resources: [
                .embedInCode("Console/index.html"), .embedInCode("Console/console.css"),
                .embedInCode("Console/app.js"), .embedInCode("Console/api.js"), .embedInCode("Console/dom.js"),
                .embedInCode("Console/overview.js"), .embedInCode("Console/actors.js"),
                .embedInCode("Console/encryption.js"), .embedInCode("Console/favicon.svg"),
            ]
        ),
        // Every command of `actorkeys`; no HTTP stack. Two executables run it: `actorkeys`, and
        // `actorkeys-server`, the same commands plus the HTTP server, which `actorkeys serve`
        // executes (docs/decisions/0005).
        .target(
            name: "CLI",
            dependencies: [
                "ActorKeys", "Envelope", "Registry", "Ledger", "Admin", "RootKeys",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "ActorKeysMain", dependencies: ["CLI"]),
        .executableTarget(
            name: "ServerMain",
            dependencies: [
                "CLI", "Admin", "AdminHTTP", "CMalloc",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Temporary directories and child processes for the test targets; not a product.
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "ActorKeysTests", dependencies: ["ActorKeys", "TestSupport"]),
        // Each provider against the real thing on loopback (OpenBao, SoftHSM2, moto) or, for
        // Azure Key Vault, against the test double in Tests/Servers.
        .testTarget(
            name: "RootKeysTests", dependencies: ["RootKeys", "ActorKeys", "Envelope", "TestSupport"]),
        // CSodium: the record cipher is checked against libsodium's own XChaCha20-Poly1305.
        .testTarget(name: "EnvelopeTests", dependencies: ["Envelope", "ActorKeys", "TestSupport", "CSodium"]),
        // The registry is tested on the real stores (SQLite, PostgreSQL), not on a fake.
        .testTarget(
            name: "RegistryTests", dependencies: ["Registry", "Ledger", "Envelope", "ActorKeys", "TestSupport"]),
        .testTarget(name: "LedgerTests", dependencies: ["Ledger", "Registry", "Envelope", "ActorKeys", "TestSupport"]),
        // An initialized workspace for the Admin and AdminHTTP tests; not a product.
        .target(
            name: "AdminTestSupport", dependencies: ["Admin", "Ledger", "Registry", "ActorKeys", "TestSupport"],
            path: "Tests/AdminTestSupport"),
        .testTarget(
            name: "AdminTests",
            dependencies: ["Admin", "AdminTestSupport", "Ledger", "Registry", "Envelope", "ActorKeys", "TestSupport"]),
        .testTarget(
            name: "AdminHTTPTests",
            dependencies: [
                "AdminHTTP", "Admin", "AdminTestSupport", "Ledger", "Registry", "Envelope", "ActorKeys", "TestSupport",
                "ActorKeysMain", "ServerMain",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        .testTarget(
            name: "CLITests",
            dependencies: [
                "ActorKeysMain", "ServerMain", "Admin", "AdminTestSupport", "Ledger", "Registry", "Envelope",
                "ActorKeys", "TestSupport",
            ]),
    ]
)

// libFuzzer targets (Fuzz/README.md, scripts/fuzz), only when ACTORKEYS_FUZZ is set: the normal
// build never sees them. Our own modules are built with coverage and the address sanitizer (and
// testable, for the internal parsers); dependencies are not, so coverage guides the fuzzer
// through our code only.
if Context.environment["ACTORKEYS_FUZZ"] != nil {
    let instrumented: SwiftSetting = .unsafeFlags(["-sanitize=fuzzer,address", "-enable-testing"])
    for target in package.targets where ["ActorKeys", "Envelope", "Admin"].contains(target.name) {
        target.swiftSettings = (target.swiftSettings ?? []) + [instrumented]
    }
    package.targets += [
        .systemLibrary(name: "CFuzzer", path: "Fuzz/Sources/CFuzzer"),
        .target(
            name: "FuzzSupport", dependencies: ["ActorKeys", "Envelope", "CFuzzer"], path: "Fuzz/Sources/FuzzSupport"),
    ]
    let fuzzTargets: [(name: String, dependencies: [Target.Dependency])] = [
        ("FuzzAgeHeader", ["Envelope", "ActorKeys"]), ("FuzzArmor", ["Envelope"]),
        ("FuzzStream", ["Envelope", "ActorKeys"]),
        ("FuzzRecordEnvelope", ["Envelope", "ActorKeys"]), ("FuzzIdentityFile", ["ActorKeys"]),
        ("FuzzRecipientsFile", ["ActorKeys"]), ("FuzzRequestBody", ["Admin"]),
    ]
    for fuzzTarget in fuzzTargets {
        package.targets.append(
            .executableTarget(
                name: fuzzTarget.name, dependencies: fuzzTarget.dependencies + ["FuzzSupport"],
                path: "Fuzz/Sources/\(fuzzTarget.name)",
                swiftSettings: [.unsafeFlags(["-sanitize=fuzzer,address", "-parse-as-library"])],
                linkerSettings: [.unsafeFlags(["-sanitize=fuzzer,address", "-use-ld=lld"])]))
        package.products.append(.executable(name: fuzzTarget.name, targets: [fuzzTarget.name]))
    }
}
