/// SQLValue is one bound parameter or one result cell, in the few types the schema uses.
public enum SQLValue: Sendable, Hashable {
    case null
    case integer(Int64)
    case text(String)
    case blob([UInt8])
    case bool(Bool)

    public static func optional(_ text: String?) -> SQLValue { text.map(SQLValue.text) ?? .null }
    public static func int(_ value: Int) -> SQLValue { .integer(Int64(value)) }
}

/// SQLRow is one result row. Accessors convert between the backends' representations (SQLite
/// has no boolean, PostgreSQL's text results carry everything as text) and fail loudly on a
/// schema mismatch rather than guessing.
public struct SQLRow: Sendable {
    public let values: [SQLValue]

    public init(_ values: [SQLValue]) { self.values = values }

    public func isNull(_ index: Int) -> Bool { values[index] == .null }

    public func string(_ index: Int) throws(LedgerError) -> String {
        guard case .text(let text) = values[index] else { throw mismatch(index, "text") }
        return text
    }

    public func optionalString(_ index: Int) throws(LedgerError) -> String? {
        isNull(index) ? nil : try string(index)
    }

    public func int64(_ index: Int) throws(LedgerError) -> Int64 {
        switch values[index] {
        case .integer(let value): return value
        case .text(let text): if let value = Int64(text) { return value }
        default: break
        }
        throw mismatch(index, "integer")
    }

    public func int(_ index: Int) throws(LedgerError) -> Int { Int(try int64(index)) }

    public func optionalInt64(_ index: Int) throws(LedgerError) -> Int64? {
        isNull(index) ? nil : try int64(index)
    }

    public func bool(_ index: Int) throws(LedgerError) -> Bool {
        switch values[index] {
        case .bool(let value): return value
        case .integer(let value): return value != 0
        default: throw mismatch(index, "boolean")
        }
    }

    public func blob(_ index: Int) throws(LedgerError) -> [UInt8] {
        switch values[index] {
        case .blob(let bytes): return bytes
        case .text(let text): return Array(text.utf8)
        default: throw mismatch(index, "blob")
        }
    }

    public func optionalBlob(_ index: Int) throws(LedgerError) -> [UInt8]? {
        isNull(index) ? nil : try blob(index)
    }

    private func mismatch(_ index: Int, _ wanted: String) -> LedgerError {
        LedgerError(.corrupt, "column \(index) is not \(wanted)")
    }
}
