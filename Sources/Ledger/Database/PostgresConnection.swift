internal import CLibPQ

#if canImport(Glibc)
import Glibc
#endif

/// PostgresConnection owns one `PGconn*` and closes it in deinit. Statements are prepared
/// once per connection and run with `PQexecPrepared`: parameters as text, except bytea which is
/// sent in binary; results come back as text and are converted by column type. Batches of rows
/// go in with binary COPY.
final class PostgresConnection: SQLConnection, @unchecked Sendable {
    let dialect = SQLDialect.postgres
    private let handle: OpaquePointer
    /// Prepared statement names by SQL. Bounded: SQL built for a varying number of parameters
    /// past the bound runs unprepared.
    private var prepared: [String: String] = [:]
    private static let maxPrepared = 256

    init(url: String) throws(LedgerError) {
        var failure: UnsafePointer<CChar>?
        guard actorkeys_libpq_load(&failure) == 0 else {
            let reason = failure.map { String(cString: $0) } ?? "unknown reason"
            throw LedgerError(
                .connection, "cannot load libpq, the PostgreSQL client library (Debian package libpq5): \(reason)")
        }
        guard let connection = ak_PQconnectdb(url) else {
            throw LedgerError(.connection, "cannot allocate a PostgreSQL connection")
        }
        guard ak_PQstatus(connection) == CONNECTION_OK else {
            let message = String(cString: ak_PQerrorMessage(connection)).trimmingTrailingNewlines()
            ak_PQfinish(connection)
            throw LedgerError(.connection, "cannot connect to PostgreSQL: \(message)")
        }
        handle = connection
        // Text travels as UTF-8 both ways, COPY's binary text fields included.
        try executeScript("SET client_min_messages = warning; SET client_encoding = 'UTF8'")
    }

    deinit { ak_PQfinish(handle) }

    /// The socket, for waiting on notifications.
    var socket: Int32 { ak_PQsocket(handle) }

    @discardableResult
    func execute(_ sql: String, _ parameters: [SQLValue]) throws(LedgerError) -> Int {
        let result = try run(sql, parameters)
        defer { ak_PQclear(result) }
        return Int(String(cString: ak_PQcmdTuples(result))) ?? 0
    }

    func query<Row>(
        _ sql: String, _ parameters: [SQLValue], _ read: (SQLCursor) throws(LedgerError) -> Row
    ) throws(LedgerError) -> [Row] {
        let result = try run(sql, parameters)
        defer { ak_PQclear(result) }
        let count = ak_PQntuples(result)
        var rows: [Row] = []
        rows.reserveCapacity(Int(count))
        for row in 0..<count { rows.append(try read(SQLCursor(source: .postgres(result, row: row)))) }
        return rows
    }

    func executeScript(_ sql: String) throws(LedgerError) {
        guard let result = ak_PQexec(handle, sql) else { throw LedgerError(.database, "PostgreSQL: out of memory") }
        defer { ak_PQclear(result) }
        let status = ak_PQresultStatus(result)
        guard status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK else { throw failure(result) }
    }

    @discardableResult
    func insert(into table: String, columns: [String], rows: [[SQLValue]]) throws(LedgerError) -> Int {
        guard !rows.isEmpty else { return 0 }
        try executeCopy("COPY \(table) (\(columns.joined(separator: ", "))) FROM STDIN (FORMAT binary)")
        var copy = BinaryCopy()
        do throws(LedgerError) {
            for row in rows {
                precondition(row.count == columns.count, "one value per column")
                copy.append(row)
                if copy.buffer.count >= BinaryCopy.flushSize { try send(&copy.buffer) }
            }
            copy.finish()
            try send(&copy.buffer)
        } catch {
            // Leave COPY so the connection can roll back; the first error is the one to report.
            if ak_PQputCopyEnd(handle, "actorkeys: copy abandoned") == 1 {
                while let result = ak_PQgetResult(handle) { ak_PQclear(result) }
            }
            throw error
        }
        return try endCopy()
    }

    /// Starts COPY FROM STDIN.
    private func executeCopy(_ sql: String) throws(LedgerError) {
        guard let result = ak_PQexec(handle, sql) else { throw LedgerError(.database, "PostgreSQL: out of memory") }
        defer { ak_PQclear(result) }
        guard ak_PQresultStatus(result) == PGRES_COPY_IN else { throw failure(result) }
    }

    private func send(_ buffer: inout [UInt8]) throws(LedgerError) {
        let sent = buffer.withUnsafeBytes { bytes in
            ak_PQputCopyData(handle, bytes.baseAddress?.assumingMemoryBound(to: CChar.self), Int32(bytes.count))
        }
        buffer.removeAll(keepingCapacity: true)
        guard sent == 1 else {
            throw LedgerError(
                .connection, "PostgreSQL: \(String(cString: ak_PQerrorMessage(handle)).trimmingTrailingNewlines())")
        }
    }

    /// Ends COPY and returns the number of rows it stored; the server's error if it failed.
    private func endCopy() throws(LedgerError) -> Int {
        guard ak_PQputCopyEnd(handle, nil) == 1 else {
            throw LedgerError(
                .connection, "PostgreSQL: \(String(cString: ak_PQerrorMessage(handle)).trimmingTrailingNewlines())")
        }
        var error: LedgerError?
        var count = 0
        while let result = ak_PQgetResult(handle) {
            if ak_PQresultStatus(result) == PGRES_COMMAND_OK {
                count = Int(String(cString: ak_PQcmdTuples(result))) ?? 0
            } else if error == nil {
                error = failure(result)
            }
            ak_PQclear(result)
        }
        if let error { throw error }
        return count
    }

    /// Consumes pending input and returns the channels of notifications received.
    func notifications() throws(LedgerError) -> [String] {
        guard ak_PQconsumeInput(handle) == 1 else {
            throw LedgerError(
                .connection, "PostgreSQL: \(String(cString: ak_PQerrorMessage(handle)).trimmingTrailingNewlines())")
        }
        var channels: [String] = []
        while let notification = ak_PQnotifies(handle) {
            channels.append(String(cString: notification.pointee.relname))
            ak_PQfreemem(notification)
        }
        return channels
    }

    private func run(_ sql: String, _ parameters: [SQLValue]) throws(LedgerError) -> OpaquePointer {
        // Each parameter as C bytes that live until the call returns.
        var buffers: [[CChar]?] = []
        var lengths: [Int32] = []
        var formats: [Int32] = []
        for value in parameters {
            switch value {
            case .null:
                buffers.append(nil)
                lengths.append(0)
                formats.append(0)
            case .integer(let number): append(String(number))
            case .bool(let flag): append(flag ? "true" : "false")
            case .text(let text): append(text)
            case .blob(let bytes):
                buffers.append(bytes.map { CChar(bitPattern: $0) })
                lengths.append(Int32(bytes.count))
                formats.append(1)
            }
        }
        func append(_ text: String) {
            buffers.append(text.utf8CString.map { $0 })
            lengths.append(0)
            formats.append(0)
        }
        let name = try statementName(for: sql, parameters: parameters.count)
        let result = withPointers(to: buffers) { pointers in
            if let name {
                ak_PQexecPrepared(handle, name, Int32(parameters.count), pointers, lengths, formats, 0)
            } else {
                ak_PQexecParams(handle, sql, Int32(parameters.count), nil, pointers, lengths, formats, 0)
            }
        }
        guard let result else {
            throw LedgerError(
                .database, "PostgreSQL: \(String(cString: ak_PQerrorMessage(handle)).trimmingTrailingNewlines())")
        }
        let status = ak_PQresultStatus(result)
        guard status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK else {
            defer { ak_PQclear(result) }
            throw failure(result)
        }
        return result
    }

    /// The name `sql` is prepared under on this connection (preparing it the first time), or nil
    /// once the bound is reached.
    private func statementName(for sql: String, parameters: Int) throws(LedgerError) -> String? {
        if let name = prepared[sql] { return name }
        guard prepared.count < Self.maxPrepared else { return nil }
        let name = "actorkeys_\(prepared.count)"
        guard let result = ak_PQprepare(handle, name, sql, Int32(parameters), nil) else {
            throw LedgerError(
                .database, "PostgreSQL: \(String(cString: ak_PQerrorMessage(handle)).trimmingTrailingNewlines())")
        }
        defer { ak_PQclear(result) }
        guard ak_PQresultStatus(result) == PGRES_COMMAND_OK else { throw failure(result) }
        prepared[sql] = name
        return name
    }

    private func withPointers<Result>(to buffers: [[CChar]?], _ body: ([UnsafePointer<CChar>?]) -> Result) -> Result {
        var pointers: [UnsafePointer<CChar>?] = []
        var pinned: [UnsafeMutableBufferPointer<CChar>] = []
        defer { for buffer in pinned { buffer.deallocate() } }
        for buffer in buffers {
            guard let buffer else {
                pointers.append(nil)
                continue
            }
            let copy = UnsafeMutableBufferPointer<CChar>.allocate(capacity: max(buffer.count, 1))
            _ = copy.initialize(from: buffer)
            pinned.append(copy)
            pointers.append(UnsafePointer(copy.baseAddress))
        }
        return body(pointers)
    }

    private func failure(_ result: OpaquePointer) -> LedgerError {
        let state = ak_PQresultErrorField(result, Int32(UInt8(ascii: "C"))).map { String(cString: $0) }
        let message = String(cString: ak_PQresultErrorMessage(result)).trimmingTrailingNewlines()
        if state == "23505" { return LedgerError(.conflict, "already exists (\(message))") }
        return LedgerError(.database, "PostgreSQL: \(message)")
    }
}

extension String {
    func trimmingTrailingNewlines() -> String {
        var text = self
        while text.last?.isNewline == true { text.removeLast() }
        return text
    }
}
