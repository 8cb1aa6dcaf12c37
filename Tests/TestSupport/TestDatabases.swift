import Foundation

/// TestBackend is each storage backend the behavioural tests run against.
public enum TestBackend: String, CaseIterable, Sendable, CustomStringConvertible {
    case sqlite
    case postgres

    public var description: String { rawValue }

    public static let postgresVariable = "ACTORKEYS_TEST_POSTGRES_URL"

    /// A fresh, empty database for one test: a SQLite file in `directory`, or a new schema on the
    /// PostgreSQL server of `ACTORKEYS_TEST_POSTGRES_URL`. Without that variable the PostgreSQL
    /// tests fail with instructions: they never skip silently.
    public func freshDatabaseURL(in directory: TemporaryDirectory) throws -> String {
        switch self {
        case .sqlite:
            return "sqlite:" + directory.file("ledger.db")
        case .postgres:
            guard let base = ProcessInfo.processInfo.environment[Self.postgresVariable], !base.isEmpty else {
                throw MissingDatabase(
                    description:
                        "PostgreSQL tests need \(Self.postgresVariable); run scripts/test, which starts a throwaway server"
                )
            }
            let schema = "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
            let psql = which("psql") ?? "/usr/bin/psql"
            let created = try run(psql, [base, "-qtAc", "CREATE SCHEMA \(schema)"])
            guard created.status == 0 else {
                throw MissingDatabase(description: "cannot create a schema: \(created.stderr)")
            }
            return base + (base.contains("?") ? "&" : "?") + "options=-csearch_path%3D\(schema)"
        }
    }
}

public struct MissingDatabase: Error, CustomStringConvertible {
    public let description: String
    public init(description: String) { self.description = description }
}
