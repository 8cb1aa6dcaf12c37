internal import CPostgres
#if canImport(Glibc)
import Glibc
#endif

/// PostgresConnection owns one `PGconn*` and closes it in deinit. Statements go through
/// `PQexecParams`: parameters as text, except bytea which is sent in binary; results come back
/// as text and are converted by column type.
final class PostgresConnection: SQLConnection, @unchecked Sendable {
    let dialect = SQLDialect.postgres
    private let handle: OpaquePointer

    // Type OIDs of pg_type that need converting from text results.
    private static let boolType: Oid = 16
    private static let byteaType: Oid = 17
    private static let integerTypes: Set<Oid> = [20, 21, 23]

    init(url: String) throws(LedgerError) {
        guard let connection = PQconnectdb(url) else { throw LedgerError(.connection, "cannot allocate a PostgreSQL connection") }
        guard PQstatus(connection) == CONNECTION_OK else {
            let message = String(cString: PQerrorMessage(connection)).trimmingTrailingNewlines()
            PQfinish(connection)
            throw LedgerError(.connection, "cannot connect to PostgreSQL: \(message)")
        }
        handle = connection
        try executeScript("SET client_min_messages = warning")
    }

    deinit { PQfinish(handle) }

    /// The socket, for waiting on notifications.
    var socket: Int32 { PQsocket(handle) }

    @discardableResult
    func execute(_ sql: String, _ parameters: [SQLValue]) throws(LedgerError) -> Int {
        let result = try run(sql, parameters)
        defer { PQclear(result) }
        return Int(String(cString: PQcmdTuples(result))) ?? 0
    }

    func query(_ sql: String, _ parameters: [SQLValue]) throws(LedgerError) -> [SQLRow] {
        let result = try run(sql, parameters)
        defer { PQclear(result) }
        let rows = PQntuples(result)
        let columns = PQnfields(result)
        let types = (0..<columns).map { PQftype(result, $0) }
        return (0..<rows).map { row in
            SQLRow((0..<columns).map { column in
                guard PQgetisnull(result, row, column) == 0 else { return .null }
                let text = String(cString: PQgetvalue(result, row, column))
                let type = types[Int(column)]
                if type == Self.boolType { return .bool(text == "t") }
                if type == Self.byteaType { return .blob(Self.decodeBytea(text)) }
                if Self.integerTypes.contains(type), let number = Int64(text) { return .integer(number) }
                return .text(text)
            })
        }
    }

    func executeScript(_ sql: String) throws(LedgerError) {
        guard let result = PQexec(handle, sql) else { throw LedgerError(.database, "PostgreSQL: out of memory") }
        defer { PQclear(result) }
        let status = PQresultStatus(result)
        guard status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK else { throw failure(result) }
    }

    /// Consumes pending input and returns the channels of notifications received.
    func notifications() throws(LedgerError) -> [String] {
        guard PQconsumeInput(handle) == 1 else {
            throw LedgerError(.connection, "PostgreSQL: \(String(cString: PQerrorMessage(handle)).trimmingTrailingNewlines())")
        }
        var channels: [String] = []
        while let notification = PQnotifies(handle) {
            channels.append(String(cString: notification.pointee.relname))
            PQfreemem(notification)
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
            case .null: buffers.append(nil); lengths.append(0); formats.append(0)
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
        let result = withPointers(to: buffers) { pointers in
            PQexecParams(handle, sql, Int32(parameters.count), nil, pointers, lengths, formats, 0)
        }
        guard let result else { throw LedgerError(.database, "PostgreSQL: \(String(cString: PQerrorMessage(handle)).trimmingTrailingNewlines())") }
        let status = PQresultStatus(result)
        guard status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK else {
            defer { PQclear(result) }
            throw failure(result)
        }
        return result
    }

    private func withPointers<Result>(to buffers: [[CChar]?], _ body: ([UnsafePointer<CChar>?]) -> Result) -> Result {
        var pointers: [UnsafePointer<CChar>?] = []
        var pinned: [UnsafeMutableBufferPointer<CChar>] = []
        defer { pinned.forEach { $0.deallocate() } }
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
        let state = PQresultErrorField(result, Int32(UInt8(ascii: "C"))).map { String(cString: $0) }
        let message = String(cString: PQresultErrorMessage(result)).trimmingTrailingNewlines()
        if state == "23505" { return LedgerError(.conflict, "already exists (\(message))") }
        return LedgerError(.database, "PostgreSQL: \(message)")
    }

    /// bytea's text output: `\x` and two hex digits a byte.
    static func decodeBytea(_ text: String) -> [UInt8] {
        let utf8 = Array(text.utf8)
        guard utf8.count >= 2, utf8[0] == UInt8(ascii: "\\"), utf8[1] == UInt8(ascii: "x") else { return utf8 }
        var bytes = [UInt8]()
        bytes.reserveCapacity((utf8.count - 2) / 2)
        var index = 2
        func nibble(_ c: UInt8) -> UInt8 { c <= 57 ? c - 48 : (c | 0x20) - 87 }
        while index + 1 < utf8.count {
            bytes.append(nibble(utf8[index]) << 4 | nibble(utf8[index + 1]))
            index += 2
        }
        return bytes
    }
}

extension String {
    func trimmingTrailingNewlines() -> String {
        var text = self
        while text.last?.isNewline == true { text.removeLast() }
        return text
    }
}
