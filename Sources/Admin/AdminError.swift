/// AdminError is the one error type of the Admin module: what a key-administration use case
/// reports. Its code decides the CLI's exit code and, later, the HTTP status.
public struct AdminError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable, Equatable {
        /// The request is malformed (bad name, bad id, missing confirmation…).
        case invalidArgument = "invalid_argument"
        /// An actor, key, entry or job does not exist.
        case notFound = "not_found"
        /// The state forbids it (exists already, still in use, shredded…).
        case conflict
        /// The principal lacks a permission.
        case permissionDenied = "permission_denied"
        /// The entry's owner was shredded.
        case shredded
        /// Something failed underneath (database, disk, key generation).
        case failed
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
