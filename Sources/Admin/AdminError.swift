import ActorKeys

/// AdminError is the one error type of the Admin module, and the one error table of actorkeys:
/// every failure of a lower module becomes one of these codes (`AdminError(_:)`, keeping its
/// cause), and each code has one exit code for the CLI and one status for the HTTP API.
public typealias AdminError = CodedError<AdminErrorCode>

/// AdminErrorCode is the failure class of `AdminError`.
public enum AdminErrorCode: String, Sendable, Hashable, CaseIterable {
    /// The request is not even well-formed (a body that is not JSON).
    case malformedRequest = "bad_request"
    /// The request is invalid (bad name, bad id, unknown field, missing confirmation…).
    case invalidArgument = "invalid_argument"
    /// An actor, key, entry or job does not exist.
    case notFound = "not_found"
    /// The state forbids it (exists already, still in use, shredded, keys changed meanwhile…).
    case conflict
    /// The principal lacks a permission.
    case permissionDenied = "permission_denied"
    /// The entry's owner was shredded: it can never be read again.
    case shredded
    /// The key needed is not available: no active key, or no identity unwraps the data key.
    case keyUnavailable = "key_unavailable"
    /// Stored data is inconsistent or fails to authenticate.
    case corrupt
    /// The database cannot be reached.
    case unavailable
    /// Something else failed underneath (database, disk, key generation).
    case failed
}

extension AdminErrorCode {
    /// The exit code of DESIGN.md: 0 success, 1 operation failed, 2 usage error, 3 not found,
    /// 4 conflict, 5 permission denied.
    public var exitCode: Int32 {
        switch self {
        case .malformedRequest, .invalidArgument: 2
        case .notFound: 3
        case .conflict: 4
        case .permissionDenied: 5
        case .shredded, .keyUnavailable, .corrupt, .unavailable, .failed: 1
        }
    }

    /// The HTTP status the API answers with.
    public var httpStatus: Int {
        switch self {
        case .malformedRequest: 400
        case .invalidArgument: 422
        case .notFound: 404
        case .conflict: 409
        case .permissionDenied: 403
        case .shredded: 410
        case .unavailable: 503
        case .keyUnavailable, .corrupt, .failed: 500
        }
    }
}
