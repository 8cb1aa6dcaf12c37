import ActorKeys
import Admin
import CBaselines
import Foundation
import Ledger
import Registry

/// Backend is a database the ledger benchmarks run on. SQLite always; PostgreSQL when a server
/// is named by `ACTORKEYS_BENCHMARK_POSTGRES_URL` (or the tests' `ACTORKEYS_TEST_POSTGRES_URL`).
public enum Backend: String, Sendable, CaseIterable {
    case sqlite
    case postgres

    /// The backends this run can use.
    public static var available: [Backend] { postgresServer == nil ? [.sqlite] : [.sqlite, .postgres] }

    /// The PostgreSQL server's URL, if any. Each fixture makes a database of its own on it.
    public static var postgresServer: String? {
        let environment = ProcessInfo.processInfo.environment
        let url = environment["ACTORKEYS_BENCHMARK_POSTGRES_URL"] ?? environment["ACTORKEYS_TEST_POSTGRES_URL"]
        return url?.isEmpty == false ? url : nil
    }
}

/// LedgerFixture is a workspace for one benchmark: a home folder in a scratch directory and a
/// fresh database (a SQLite file, or a PostgreSQL database dropped by `close()`).
public final class LedgerFixture: @unchecked Sendable {
    public let workspace: Workspace
    public let scratch: Scratch
    public let backend: Backend
    /// The database URL the raw baselines use: the same store as the ledger.
    public let rawDatabase: String
    private let postgresDatabase: String?

    public var administration: KeyAdministration { workspace.administration(as: .commandLine(user: "benchmark")) }
    public var ledger: EncryptedLedger { workspace.ledger }

    public static func make(
        _ backend: Backend, label: String, policy: DataKeyPolicy = .default
    ) async throws -> LedgerFixture {
        let scratch = Scratch(label)
        switch backend {
        case .sqlite:
            let path = scratch.file("actorkeys.db")
            let workspace = try await Workspace.open(
                home: scratch.file("home"), database: .sqlite(path: path), create: true, policy: policy)
            return LedgerFixture(
                workspace: workspace, scratch: scratch, backend: backend, rawDatabase: path, postgresDatabase: nil)
        case .postgres:
            guard let server = Backend.postgresServer else {
                throw FixtureError("no PostgreSQL server: set ACTORKEYS_BENCHMARK_POSTGRES_URL")
            }
            let name = "actorkeys_bench_\(getpid())_\(UInt32.random(in: 0...UInt32.max))"
            guard baseline_postgres_command(server, "CREATE DATABASE \(name)") == 0 else {
                throw FixtureError("cannot create database \(name)")
            }
            let url = Self.url(server, database: name)
            let workspace = try await Workspace.open(
                home: scratch.file("home"), database: try DatabaseURL(url), create: true, policy: policy)
            return LedgerFixture(
                workspace: workspace, scratch: scratch, backend: backend, rawDatabase: url, postgresDatabase: name)
        }
    }

    private init(
        workspace: Workspace, scratch: Scratch, backend: Backend, rawDatabase: String, postgresDatabase: String?
    ) {
        self.workspace = workspace
        self.scratch = scratch
        self.backend = backend
        self.rawDatabase = rawDatabase
        self.postgresDatabase = postgresDatabase
    }

    /// `server` with its database replaced: libpq takes the last `dbname` it is given.
    static func url(_ server: String, database: String) -> String {
        server + (server.contains("?") ? "&" : "?") + "dbname=\(database)"
    }

    /// Initializes the workspace (shared key, admin) and enrolls `actors` with keys of their own.
    public func enroll(_ actors: [String], optIn: [String] = []) async throws {
        _ = try await administration.initialize(admin: try ActorID("admin"))
        for actor in actors { _ = try await administration.enroll(try ActorID(actor), keys: .auto) }
        for actor in optIn { _ = try await administration.enroll(try ActorID(actor), keys: .optIn) }
    }

    public func close() {
        if let postgresDatabase, let server = Backend.postgresServer {
            _ = baseline_postgres_command(server, "DROP DATABASE IF EXISTS \(postgresDatabase) WITH (FORCE)")
        }
        scratch.remove()
    }
}

public struct FixtureError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
