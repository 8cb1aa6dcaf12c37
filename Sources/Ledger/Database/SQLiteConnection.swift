internal import CSQLite

#if canImport(Glibc)
import Glibc
#endif

/// SQLiteConnection owns one `sqlite3*` and its prepared statements, and closes them in deinit.
///
/// Opened in WAL mode with `synchronous = FULL` (a committed append survives a power cut),
/// foreign keys on, and a busy timeout so several processes can share one database file.
final class SQLiteConnection: SQLConnection, @unchecked Sendable {
    let dialect = SQLDialect.sqlite
    private let handle: OpaquePointer
    private var statements: [String: OpaquePointer] = [:]
    /// Where bound text and blobs are copied for SQLite to read in place (SQLITE_STATIC) until
    /// the statement is reset: one buffer per connection, grown as needed.
    private var scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 4096, alignment: 16)
    /// Set while a statement is bound to `scratch`.
    private var bound = false

    init(path: String) throws(LedgerError) {
        Self.restrictMode(of: path)
        var opened: OpaquePointer?
        let status = sqlite3_open_v2(
            path, &opened, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nil)
        guard status == SQLITE_OK, let opened else {
            let message = opened.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close_v2(opened)
            throw LedgerError(.connection, "cannot open SQLite database \(path): \(message)")
        }
        handle = opened
        sqlite3_busy_timeout(handle, 15_000)
        sqlite3_extended_result_codes(handle, 1)
        try executeScript(
            "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA secure_delete = ON;"
        )
    }

    /// The database holds plaintext rows, token hashes and the audit trail: it is created 0600
    /// (SQLite gives its `-wal` and `-shm` files the database file's mode), and an existing one
    /// that others may read, from before, is made 0600 with its companions.
    private static func restrictMode(of path: String) {
        guard !path.isEmpty, path != ":memory:", !path.hasPrefix("file:") else { return }
        let created = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o600)
        if created >= 0 {
            close(created)
            return
        }
        for file in [path, path + "-wal", path + "-shm"] {
            var status = stat()
            if lstat(file, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG, status.st_mode & 0o077 != 0 {
                chmod(file, 0o600)
            }
        }
    }

    deinit {
        for statement in statements.values { sqlite3_finalize(statement) }
        sqlite3_close_v2(handle)
        scratch.deallocate()
    }

    @discardableResult
    func execute(_ sql: String, _ parameters: [SQLValue]) throws(LedgerError) -> Int {
        let statement = try prepared(sql)
        return try withBindings(parameters, on: statement, sql) { () -> Result<Int, LedgerError> in
            let status = sqlite3_step(statement)
            guard status == SQLITE_DONE || status == SQLITE_ROW else { return .failure(failure(status, sql)) }
            return .success(Int(sqlite3_changes(handle)))
        }.get()
    }

    func query<Row>(
        _ sql: String, _ parameters: [SQLValue], _ read: (SQLCursor) throws(LedgerError) -> Row
    ) throws(LedgerError) -> [Row] {
        let statement = try prepared(sql)
        return try withBindings(parameters, on: statement, sql) { () -> Result<[Row], LedgerError> in
            var rows: [Row] = []
            let cursor = SQLCursor(source: .sqlite(statement))
            while true {
                let status = sqlite3_step(statement)
                if status == SQLITE_DONE { return .success(rows) }
                guard status == SQLITE_ROW else { return .failure(failure(status, sql)) }
                do throws(LedgerError) {
                    rows.append(try read(cursor))
                } catch {
                    return .failure(error)
                }
            }
        }.get()
    }

    func executeScript(_ sql: String) throws(LedgerError) {
        var message: UnsafeMutablePointer<CChar>?
        let status = sqlite3_exec(handle, sql, nil, nil, &message)
        guard status == SQLITE_OK else {
            let text = message.map { String(cString: $0) } ?? String(cString: sqlite3_errstr(status))
            sqlite3_free(message)
            throw LedgerError(.database, "SQLite: \(text)")
        }
    }

    @discardableResult
    func insert(into table: String, columns: [String], rows: [[SQLValue]]) throws(LedgerError) -> Int {
        guard !rows.isEmpty else { return 0 }
        let sql =
            "INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES (\((1...columns.count).map { "$\($0)" }.joined(separator: ", ")))"
        let statement = try prepared(sql)
        for row in rows {
            precondition(row.count == columns.count, "one value per column")
            try withBindings(row, on: statement, sql) { () -> Result<Void, LedgerError> in
                let status = sqlite3_step(statement)
                return status == SQLITE_DONE ? .success(()) : .failure(failure(status, sql))
            }.get()
        }
        return rows.count
    }

    /// The prepared statement for `sql`, made once per connection.
    private func prepared(_ sql: String) throws(LedgerError) -> OpaquePointer {
        if let cached = statements[sql] { return cached }
        var prepared: OpaquePointer?
        // `$N` is written for both backends; SQLite spells numbered parameters `?N`.
        let status = sqlite3_prepare_v3(
            handle, sql.replacingDollarParameters(), -1, UInt32(SQLITE_PREPARE_PERSISTENT), &prepared, nil)
        guard status == SQLITE_OK, let prepared else { throw failure(status, sql) }
        statements[sql] = prepared
        return prepared
    }

    /// Binds `parameters` to `statement` and runs `body`; the statement is reset and its
    /// bindings cleared before this returns. Text and blobs are copied into `scratch` and bound
    /// from there without SQLite copying them again, so SQLite never holds a pointer past the
    /// life of the bytes it points at.
    private func withBindings<Value>(
        _ parameters: [SQLValue], on statement: OpaquePointer, _ sql: String, _ body: () -> Result<Value, LedgerError>
    ) -> Result<Value, LedgerError> {
        // One statement at a time per connection: a second would overwrite the first's values.
        guard !bound else {
            return .failure(LedgerError(.database, "SQLite: a statement of this connection is already running"))
        }
        bound = true
        defer {
            sqlite3_reset(statement)
            sqlite3_clear_bindings(statement)
            bound = false
        }
        reserveScratch(for: parameters)
        var offset = 0
        for (position, value) in parameters.enumerated() {
            let index = Int32(position + 1)
            let status: Int32
            switch value {
            case .null: status = sqlite3_bind_null(statement, index)
            case .integer(let number): status = sqlite3_bind_int64(statement, index, number)
            case .bool(let flag): status = sqlite3_bind_int64(statement, index, flag ? 1 : 0)
            case .text(let text):
                let start = scratch.baseAddress! + offset
                let count = Self.copyUTF8(text, to: start)
                status = sqlite3_bind_text(
                    statement, index, start.assumingMemoryBound(to: CChar.self), Int32(count), actorkeys_sqlite_static()
                )
                offset += count
            case .blob(let bytes):
                // Never a null pointer: that would bind NULL, not an empty blob.
                let start = scratch.baseAddress! + offset
                bytes.withUnsafeBytes {
                    start.copyMemory(from: $0.baseAddress ?? UnsafeRawPointer(start), byteCount: $0.count)
                }
                status = sqlite3_bind_blob64(statement, index, start, UInt64(bytes.count), actorkeys_sqlite_static())
                offset += bytes.count
            }
            guard status == SQLITE_OK else { return .failure(failure(status, sql)) }
        }
        return body()
    }

    /// Grows `scratch` to hold every text and blob of `parameters`; shrinks it back after a
    /// large one, so one big payload does not pin its size for the connection's life.
    private func reserveScratch(for parameters: [SQLValue]) {
        var needed = 0
        for value in parameters {
            switch value {
            case .text(let text): needed += text.utf8.count
            case .blob(let bytes): needed += bytes.count
            default: break
            }
        }
        let wanted = max(4096, needed)
        guard scratch.count < wanted || scratch.count > max(wanted, 1 << 20) else { return }
        scratch.deallocate()
        scratch = .allocate(byteCount: wanted, alignment: 16)
    }

    private static func copyUTF8(_ text: String, to start: UnsafeMutableRawPointer) -> Int {
        if let count = text.utf8.withContiguousStorageIfAvailable({ utf8 -> Int in
            if let base = utf8.baseAddress { start.copyMemory(from: base, byteCount: utf8.count) }
            return utf8.count
        }) {
            return count
        }
        var count = 0
        for byte in text.utf8 {
            start.storeBytes(of: byte, toByteOffset: count, as: UInt8.self)
            count += 1
        }
        return count
    }

    private func failure(_ status: Int32, _ sql: String) -> LedgerError {
        let message = String(cString: sqlite3_errmsg(handle))
        let primary = status & 0xFF
        if status == actorkeys_sqlite_constraint_unique || status == actorkeys_sqlite_constraint_primarykey {
            return LedgerError(.conflict, "already exists (\(message))")
        }
        if primary == SQLITE_BUSY || primary == SQLITE_LOCKED {
            return LedgerError(.database, "SQLite database is busy: \(message)")
        }
        return LedgerError(.database, "SQLite: \(message)")
    }
}

extension String {
    /// `$1` → `?1`, for SQLite's numbered parameters. The SQL of this module has no `$` in
    /// string literals.
    func replacingDollarParameters() -> String {
        String(unicodeScalars.map { $0 == "$" ? "?" : Character($0) })
    }
}
