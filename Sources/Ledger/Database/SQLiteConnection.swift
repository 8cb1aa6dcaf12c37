internal import CSQLite

/// SQLiteConnection owns one `sqlite3*` and its prepared statements, and closes them in deinit.
///
/// Opened in WAL mode with `synchronous = FULL` (a committed append survives a power cut),
/// foreign keys on, and a busy timeout so several processes can share one database file.
final class SQLiteConnection: SQLConnection, @unchecked Sendable {
    let dialect = SQLDialect.sqlite
    private let handle: OpaquePointer
    private var statements: [String: OpaquePointer] = [:]

    init(path: String) throws(LedgerError) {
        var opened: OpaquePointer?
        let status = sqlite3_open_v2(path, &opened, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nil)
        guard status == SQLITE_OK, let opened else {
            let message = opened.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close_v2(opened)
            throw LedgerError(.connection, "cannot open SQLite database \(path): \(message)")
        }
        handle = opened
        sqlite3_busy_timeout(handle, 15_000)
        sqlite3_extended_result_codes(handle, 1)
        try executeScript("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;")
    }

    deinit {
        for statement in statements.values { sqlite3_finalize(statement) }
        sqlite3_close_v2(handle)
    }

    @discardableResult
    func execute(_ sql: String, _ parameters: [SQLValue]) throws(LedgerError) -> Int {
        let statement = try prepare(sql, parameters)
        defer { sqlite3_reset(statement) }
        let status = sqlite3_step(statement)
        guard status == SQLITE_DONE || status == SQLITE_ROW else { throw failure(status, sql) }
        return Int(sqlite3_changes(handle))
    }

    func query(_ sql: String, _ parameters: [SQLValue]) throws(LedgerError) -> [SQLRow] {
        let statement = try prepare(sql, parameters)
        defer { sqlite3_reset(statement) }
        var rows: [SQLRow] = []
        let columns = sqlite3_column_count(statement)
        while true {
            let status = sqlite3_step(statement)
            if status == SQLITE_DONE { return rows }
            guard status == SQLITE_ROW else { throw failure(status, sql) }
            rows.append(SQLRow((0..<columns).map { column(statement, $0) }))
        }
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

    private func prepare(_ sql: String, _ parameters: [SQLValue]) throws(LedgerError) -> OpaquePointer {
        let statement: OpaquePointer
        if let cached = statements[sql] {
            statement = cached
        } else {
            var prepared: OpaquePointer?
            // `$N` is written for both backends; SQLite spells numbered parameters `?N`.
            let status = sqlite3_prepare_v3(handle, sql.replacingDollarParameters(), -1, UInt32(SQLITE_PREPARE_PERSISTENT), &prepared, nil)
            guard status == SQLITE_OK, let prepared else { throw failure(status, sql) }
            statements[sql] = prepared
            statement = prepared
        }
        sqlite3_clear_bindings(statement)
        for (offset, value) in parameters.enumerated() {
            let index = Int32(offset + 1)
            let status: Int32 = switch value {
            case .null: sqlite3_bind_null(statement, index)
            case .integer(let number): sqlite3_bind_int64(statement, index, number)
            case .bool(let flag): sqlite3_bind_int64(statement, index, flag ? 1 : 0)
            case .text(let text): sqlite3_bind_text(statement, index, text, -1, actorkeys_sqlite_transient())
            case .blob(let bytes):
                bytes.withUnsafeBytes { raw in
                    // A zero-length blob still needs a non-null pointer to be a blob, not NULL.
                    sqlite3_bind_blob64(statement, index, raw.baseAddress ?? UnsafeRawPointer(bitPattern: 1), UInt64(raw.count), actorkeys_sqlite_transient())
                }
            }
            guard status == SQLITE_OK else { throw failure(status, sql) }
        }
        return statement
    }

    private func column(_ statement: OpaquePointer, _ index: Int32) -> SQLValue {
        switch sqlite3_column_type(statement, index) {
        case SQLITE_INTEGER: return .integer(sqlite3_column_int64(statement, index))
        case SQLITE_TEXT: return .text(String(cString: sqlite3_column_text(statement, index)))
        case SQLITE_BLOB:
            let count = Int(sqlite3_column_bytes(statement, index))
            guard count > 0, let base = sqlite3_column_blob(statement, index) else { return .blob([]) }
            return .blob(Array(UnsafeRawBufferPointer(start: base, count: count)))
        case SQLITE_FLOAT: return .integer(Int64(sqlite3_column_double(statement, index)))
        default: return .null
        }
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
