import Admin
import Foundation
import Ledger
import TestSupport

/// LedgerSession drives `actorkeys` against one home folder and database, as a user would.
struct LedgerSession {
    let directory = TemporaryDirectory()
    let backend: TestBackend
    let databaseURL: String
    let environment: [String: String]

    init(_ backend: TestBackend) throws {
        self.backend = backend
        databaseURL = try backend.freshDatabaseURL(in: directory)
        var environment = ProcessInfo.processInfo.environment
        environment["ACTORKEYS_HOME"] = directory.file("home")
        environment["ACTORKEYS_DATABASE_URL"] = databaseURL
        self.environment = environment
    }

    @discardableResult
    func run(_ arguments: String..., input: [UInt8] = [], extra: [String: String] = [:]) throws -> CommandResult {
        try run(arguments: arguments, input: input, extra: extra)
    }

    @discardableResult
    func run(arguments: [String], input: [UInt8] = [], extra: [String: String] = [:]) throws -> CommandResult {
        try TestSupport.run(Tools.actorkeys, arguments, input: input, environment: environment.merging(extra) { $1 })
    }

    /// Starts a command without waiting for it.
    func start(_ arguments: [String], extra: [String: String] = [:]) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Tools.actorkeys)
        process.arguments = arguments
        process.environment = environment.merging(extra) { $1 }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// The same database, opened in this process for inspection.
    func store() async throws -> LedgerStore { try await LedgerStore.open(try DatabaseURL(databaseURL)) }

    /// One scalar from SQL run on the database.
    func scalar(_ sql: String) async throws -> Int {
        let store = try await store()
        return try await store.pool.read { connection throws(LedgerError) in try connection.query(sql, [])[0].int(0) }
    }

    /// Imports `count` rows for `actor` through `ledger import`; returns the payloads in order.
    func importRows(_ actor: String, count: Int, extra: [String: String] = [:]) throws -> [String] {
        let payloads = (0..<count).map { "row \(actor) \($0)" }
        let lines = payloads.map { "{\"actor_id\":\"\(actor)\",\"kind\":\"prompt\",\"payload\":\"\($0)\"}" }.joined(
            separator: "\n")
        let result = try run("ledger", "import", input: Array(lines.utf8), extra: extra)
        guard result.status == 0 else { throw MissingDatabase(description: "import failed: \(result.stderr)") }
        return payloads
    }

    /// Every entry id and its payload as `ledger read` returns it, read through the library.
    func readAll() async throws -> [String: String] {
        let url = try DatabaseURL(databaseURL)
        let workspace = try await Admin.Workspace.open(home: directory.file("home"), database: url)
        var rows: [String: String] = [:]
        var after: Int64 = 0
        while true {
            let page = try await workspace.ledger.list(after: after, limit: 1000)
            guard let last = page.last else { return rows }
            for entry in page {
                rows[entry.id.rawValue] = String(
                    decoding: try await workspace.ledger.read(entry.id).payload, as: UTF8.self)
            }
            after = last.sequence
        }
    }
}
