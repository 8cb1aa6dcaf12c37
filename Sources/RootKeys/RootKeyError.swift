import ActorKeys

/// RootKeyError is the one error type of the RootKeys module.
///
/// Its codes are the ones `root test` and the test-connection route answer with (DESIGN.md,
/// Root of trust). Messages say which step failed and what the provider said, and never hold a
/// credential, a wrapped key or key material.
public typealias RootKeyError = CodedError<RootKeyErrorCode>

/// RootKeyErrorCode is the failure class of `RootKeyError`.
public enum RootKeyErrorCode: String, Sendable, Hashable, CaseIterable {
    /// The URI is not one of the documented shapes, names an unknown scheme, or carries a
    /// credential (credentials never go in a URI).
    case invalidURI = "invalid_uri"
    /// The credentials are missing, malformed or refused (401, a wrong signature, a wrong PIN).
    case authFailed = "auth_failed"
    /// The provider has no such key (or no such token or object in an HSM).
    case keyNotFound = "key_not_found"
    /// The credentials are valid but may not use the key for this operation.
    case permissionDenied = "permission_denied"
    /// The provider could not be reached in time, or answered with something that is not its
    /// documented protocol (a malformed or lying response).
    case networkError = "network_error"
    /// The key exists but cannot wrap keys the way actorkeys needs (wrong type or usage, a
    /// disabled version), or refuses a wrapped key as not its own.
    case unsupportedKey = "unsupported_key"
}
