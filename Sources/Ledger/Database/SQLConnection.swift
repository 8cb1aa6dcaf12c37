/// SQLDialect is what differs between the two backends in the SQL the ledger writes.
public enum SQLDialect: Sendable {
    case sqlite
    case postgres
}

/// SQLConnection is one open connection to SQLite or PostgreSQL, used synchronously from the
/// one queue its pool confines it to (which is what makes handing it between threads safe).
/// Parameters are written `$1`, `$2`… in SQL for both backends.
public protocol SQLConnection: AnyObject, Sendable {
    var dialect: SQLDialect { get }

    /// Runs a statement; returns the number of rows it changed.
    @discardableResult
    func execute(_ sql: String, _ parameters: [SQLValue]) throws(LedgerError) -> Int

    /// Runs a query and returns all its rows.
    func query(_ sql: String, _ parameters: [SQLValue]) throws(LedgerError) -> [SQLRow]

    /// Runs several statements without parameters (schema migrations).
    func executeScript(_ sql: String) throws(LedgerError)
}

extension SQLConnection {
    @discardableResult
    public func execute(_ sql: String, _ parameters: SQLValue...) throws(LedgerError) -> Int {
        try execute(sql, parameters)
    }

    public func query(_ sql: String, _ parameters: SQLValue...) throws(LedgerError) -> [SQLRow] {
        try query(sql, parameters)
    }

    /// The first row, or nil.
    public func queryRow(_ sql: String, _ parameters: SQLValue...) throws(LedgerError) -> SQLRow? {
        try query(sql, parameters).first
    }

    /// Runs `body` in a transaction: committed when it returns, rolled back when it throws.
    public func transaction<Result>(_ body: () throws(LedgerError) -> Result) throws(LedgerError) -> Result {
        try execute(dialect == .sqlite ? "BEGIN IMMEDIATE" : "BEGIN", [])
        do {
            let result = try body()
            try execute("COMMIT", [])
            return result
        } catch {
            _ = try? execute("ROLLBACK", [])
            throw error
        }
    }
}
