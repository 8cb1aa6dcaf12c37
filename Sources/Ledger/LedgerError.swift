/// LedgerError is the one error type of the Ledger module.
///
/// Messages name what failed and never contain a payload or key material.
public struct LedgerError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable, Equatable {
        /// An entry, actor or data key does not exist.
        case notFound = "not_found"
        /// The row's owner was shredded: its keys are gone and it can never be read again.
        case shredded
        /// A uniqueness rule was broken (an actor or key that already exists).
        case conflict
        /// The arguments are invalid (empty kind, oversized payload, bad entry id…).
        case invalidArgument = "invalid_argument"
        /// The database refused or failed an operation.
        case database
        /// The database URL or file could not be opened.
        case connection
        /// Stored data is inconsistent (a record under a data key of another owner…).
        case corrupt
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
