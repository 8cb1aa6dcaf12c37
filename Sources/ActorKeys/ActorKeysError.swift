/// ActorKeysError is the one error type of the ActorKeys module.
///
/// Messages are lowercase, name the layer that failed, and never contain key material: at most
/// a path, a fingerprint or the offending public string.
public typealias ActorKeysError = CodedError<ActorKeysErrorCode>

/// ActorKeysErrorCode is the failure class of `ActorKeysError`.
public enum ActorKeysErrorCode: String, Sendable, Hashable {
    /// A key name does not match `[a-z0-9][a-z0-9._-]{0,63}`.
    case invalidName = "invalid_name"
    /// An actor id does not match `[a-z0-9][a-z0-9._-]{0,63}`.
    case invalidActor = "invalid_actor"
    /// A key with this name already exists and may not be replaced.
    case conflict
    /// A key, identity file or recipients file does not exist.
    case notFound = "not_found"
    /// Writing a key file or creating a key directory failed; nothing was left behind.
    case writeFailed = "write_failed"
    /// Reading a key file failed for a reason other than its absence.
    case readFailed = "read_failed"
    /// A Bech32 string is malformed (characters, case, separator, checksum, padding).
    case malformedBech32 = "malformed_bech32"
    /// An identity (`AGE-SECRET-KEY-1…`) or identity file is malformed.
    case malformedIdentity = "malformed_identity"
    /// A recipient (`age1…`) or recipients file is malformed.
    case malformedRecipient = "malformed_recipient"
}
