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

    /// Runs a query and returns what `read` makes of each row, reading it in place.
    func query<Row>(
        _ sql: String, _ parameters: [SQLValue], _ read: (SQLCursor) throws(LedgerError) -> Row
    ) throws(LedgerError) -> [Row]

    /// Runs several statements without parameters (schema migrations).
    func executeScript(_ sql: String) throws(LedgerError)

    /// Inserts `rows` (one value per column, in order) into `table`, inside the caller's
    /// transaction; returns how many were inserted. The fastest way each backend has: one
    /// prepared INSERT a row on SQLite, one binary COPY on PostgreSQL, where integers travel as
    /// 64 bits and so must go to BIGINT columns.
    @discardableResult
    func insert(into table: String, columns: [String], rows: [[SQLValue]]) throws(LedgerError) -> Int
}

extension SQLConnection {
    @discardableResult
    public func execute(_ sql: String, _ parameters: SQLValue...) throws(LedgerError) -> Int {
        try execute(sql, parameters)
    }

    /// Runs a query and returns all its rows as values.
    public func query(_ sql: String, _ parameters: [SQLValue]) throws(LedgerError) -> [SQLRow] {
        try query(sql, parameters) { cursor in cursor.row() }
    }

    public func query(_ sql: String, _ parameters: SQLValue...) throws(LedgerError) -> [SQLRow] {
        try query(sql, parameters)
    }

    /// The first row, or nil.
    public func queryRow(_ sql: String, _ parameters: SQLValue...) throws(LedgerError) -> SQLRow? {
        try query(sql, parameters).first
    }

    /// Runs `body`, which only reads, in one transaction: every statement sees the same
    /// snapshot, and SQLite takes its locks once for all of them instead of once a statement.
    public func readTransaction<Result>(_ body: () throws(LedgerError) -> Result) throws(LedgerError) -> Result {
        try inTransaction(begin: dialect == .sqlite ? "BEGIN" : "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", body)
    }

    /// Runs `body` in a transaction: committed when it returns, rolled back when it throws.
    public func transaction<Result>(_ body: () throws(LedgerError) -> Result) throws(LedgerError) -> Result {
        try inTransaction(begin: dialect == .sqlite ? "BEGIN IMMEDIATE" : "BEGIN", body)
    }

    private func inTransaction<Result>(
        begin: String, _ body: () throws(LedgerError) -> Result
    ) throws(LedgerError) -> Result {
        try execute(begin, [])
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
