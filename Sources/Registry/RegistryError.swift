import ActorKeys

/// RegistryError is the one error type of the Registry module.
public typealias RegistryError = CodedError<RegistryErrorCode>

/// RegistryErrorCode is the failure class of `RegistryError`.
public enum RegistryErrorCode: String, Sendable, Hashable {
    /// The owner has no active key, so nothing can be sealed for it.
    case noActiveKey = "no_active_key"
    /// A record names a data key the store does not know.
    case unknownDataKey = "unknown_data_key"
    /// The data key was erased (its owner was shredded, or it was re-encrypted away).
    case erased
    /// A record names a data key that belongs to another owner.
    case wrongOwner = "wrong_owner"
    /// None of the owner's identities could unwrap the data key.
    case identityUnavailable = "identity_unavailable"
    /// The workspace sealing key is not available: the root key provider could not be reached
    /// for longer than the cache allows, so the process fails closed until it returns.
    case rootKeyUnavailable = "root_key_unavailable"
    /// A sealed identity does not open: it was moved to another row, altered, or sealed under a
    /// sealing key this process does not hold.
    case sealedIdentity = "sealed_identity"
    /// The record is malformed or fails to authenticate.
    case malformedRecord = "malformed_record"
    /// The keyring changed while a data key was being stored: every version it was wrapped to
    /// was destroyed meanwhile. Reading the keyring again and wrapping anew resolves it.
    case staleKeyring = "stale_keyring"
    /// The store cannot be reached (its connection failed).
    case storeUnavailable = "store_unavailable"
    /// The store failed an operation.
    case store
}
