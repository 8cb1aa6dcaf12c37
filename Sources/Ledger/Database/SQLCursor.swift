internal import CLibPQ
internal import CSQLite

/// SQLCursor reads the current row of a query where it lies (SQLite's statement, libpq's
/// result), so a caller takes only the cells it needs and copies nothing it does not keep.
/// It is valid only inside the closure it is passed to.
public struct SQLCursor {
    enum Source {
        case sqlite(OpaquePointer)
        case postgres(OpaquePointer, row: Int32)
    }

    let source: Source

    // Type OIDs of pg_type whose text form is converted.
    static let boolType: Oid = 16
    static let byteaType: Oid = 17
    static let integerTypes: Set<Oid> = [20, 21, 23]

    public var columnCount: Int {
        switch source {
        case .sqlite(let statement): Int(sqlite3_column_count(statement))
        case .postgres(let result, _): Int(ak_PQnfields(result))
        }
    }

    public func isNull(_ column: Int) -> Bool {
        switch source {
        case .sqlite(let statement): sqlite3_column_type(statement, Int32(column)) == SQLITE_NULL
        case .postgres(let result, let row): ak_PQgetisnull(result, row, Int32(column)) != 0
        }
    }

    /// The bytes of a text cell (or of any cell's text form), for `body` to read in place.
    public func withText<Result>(
        _ column: Int, _ body: (UnsafeRawBufferPointer) throws(LedgerError) -> Result
    ) throws(LedgerError) -> Result {
        guard !isNull(column) else { throw mismatch(column, "text") }
        switch source {
        case .sqlite(let statement):
            // Text first, then its length in bytes, as SQLite asks.
            let text = sqlite3_column_text(statement, Int32(column))
            let count = Int(sqlite3_column_bytes(statement, Int32(column)))
            return try body(UnsafeRawBufferPointer(start: text, count: count))
        case .postgres(let result, let row):
            let count = Int(ak_PQgetlength(result, row, Int32(column)))
            return try body(UnsafeRawBufferPointer(start: ak_PQgetvalue(result, row, Int32(column)), count: count))
        }
    }

    public func string(_ column: Int) throws(LedgerError) -> String {
        try withText(column) { bytes in String(decoding: bytes, as: UTF8.self) }
    }

    public func optionalString(_ column: Int) throws(LedgerError) -> String? {
        isNull(column) ? nil : try string(column)
    }

    public func int64(_ column: Int) throws(LedgerError) -> Int64 {
        switch source {
        case .sqlite(let statement):
            guard sqlite3_column_type(statement, Int32(column)) == SQLITE_INTEGER else {
                throw mismatch(column, "integer")
            }
            return sqlite3_column_int64(statement, Int32(column))
        case .postgres:
            guard let value = try withText(column, { bytes in Int64(String(decoding: bytes, as: UTF8.self)) }) else {
                throw mismatch(column, "integer")
            }
            return value
        }
    }

    public func int(_ column: Int) throws(LedgerError) -> Int { Int(try int64(column)) }

    /// A blob cell's bytes (bytea on PostgreSQL), copied out.
    public func blob(_ column: Int) throws(LedgerError) -> [UInt8] {
        switch source {
        case .sqlite(let statement):
            switch sqlite3_column_type(statement, Int32(column)) {
            case SQLITE_BLOB:
                let count = Int(sqlite3_column_bytes(statement, Int32(column)))
                guard count > 0, let base = sqlite3_column_blob(statement, Int32(column)) else { return [] }
                return Array(UnsafeRawBufferPointer(start: base, count: count))
            case SQLITE_TEXT:
                return try withText(column) { Array($0) }
            default:
                throw mismatch(column, "blob")
            }
        case .postgres(let result, _):
            guard ak_PQftype(result, Int32(column)) == Self.byteaType else { return try withText(column) { Array($0) } }
            return try withText(column) { Self.decodeBytea($0) }
        }
    }

    /// A blob cell's bytes for `body` to read in place (PostgreSQL's text form decoded first).
    public func withBlob<Value>(
        _ column: Int, _ body: (UnsafeRawBufferPointer) throws(LedgerError) -> Value
    ) throws(LedgerError) -> Value {
        switch source {
        case .sqlite(let statement) where sqlite3_column_type(statement, Int32(column)) == SQLITE_BLOB:
            let base = sqlite3_column_blob(statement, Int32(column))
            let count = Int(sqlite3_column_bytes(statement, Int32(column)))
            return try body(UnsafeRawBufferPointer(start: count > 0 ? base : nil, count: count))
        default:
            let bytes = try blob(column)
            return try bytes.withUnsafeBytes { raw in Swift.Result { () throws(LedgerError) in try body(raw) } }.get()
        }
    }

    /// The cell as a value, typed by the column.
    public func value(_ column: Int) -> SQLValue {
        guard !isNull(column) else { return .null }
        switch source {
        case .sqlite(let statement):
            switch sqlite3_column_type(statement, Int32(column)) {
            case SQLITE_INTEGER: return .integer(sqlite3_column_int64(statement, Int32(column)))
            case SQLITE_FLOAT: return .integer(Int64(sqlite3_column_double(statement, Int32(column))))
            case SQLITE_BLOB: return .blob((try? blob(column)) ?? [])
            default: return .text((try? string(column)) ?? "")
            }
        case .postgres(let result, _):
            let text = (try? string(column)) ?? ""
            let type = ak_PQftype(result, Int32(column))
            if type == Self.boolType { return .bool(text == "t") }
            if type == Self.byteaType { return .blob((try? blob(column)) ?? []) }
            if Self.integerTypes.contains(type), let number = Int64(text) { return .integer(number) }
            return .text(text)
        }
    }

    /// The whole row as values.
    public func row() -> SQLRow { SQLRow((0..<columnCount).map(value)) }

    private func mismatch(_ column: Int, _ wanted: String) -> LedgerError {
        LedgerError(.corrupt, "column \(column) is not \(wanted)")
    }

    /// bytea's text output: `\x` and two hex digits a byte.
    static func decodeBytea(_ text: UnsafeRawBufferPointer) -> [UInt8] {
        guard text.count >= 2, text[0] == UInt8(ascii: "\\"), text[1] == UInt8(ascii: "x") else { return Array(text) }
        func nibble(_ c: UInt8) -> UInt8 { c <= 57 ? c &- 48 : (c | 0x20) &- 87 }
        let count = (text.count - 2) / 2
        return [UInt8](unsafeUninitializedCapacity: count) { bytes, initialized in
            for index in 0..<count {
                bytes[index] = nibble(text[2 + 2 * index]) << 4 | nibble(text[3 + 2 * index])
            }
            initialized = count
        }
    }
}
