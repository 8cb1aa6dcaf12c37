import ActorKeys
import Registry

/// LedgerError is the one error type of the Ledger module.
///
/// Messages name what failed and never contain a payload or key material.
public typealias LedgerError = CodedError<LedgerErrorCode>

/// LedgerErrorCode is the failure class of `LedgerError`.
public enum LedgerErrorCode: String, Sendable, Hashable {
    /// An entry, actor or data key does not exist.
    case notFound = "not_found"
    /// The row's owner was shredded: its keys are gone and it can never be read again.
    case shredded
    /// A uniqueness rule was broken (an actor or key that already exists).
    case conflict
    /// The arguments are invalid (empty kind, oversized payload, bad entry id…).
    case invalidArgument = "invalid_argument"
    /// Keys changed under the operation: a data key of the batch was erased, or every key
    /// version a new data key is wrapped to was destroyed meanwhile. Sealing again with the
    /// current keys resolves it; the ledger does so itself a few times before giving up.
    case staleKeys = "stale_keys"
    /// The key needed to seal or open is not available: the owner has no active key, or no
    /// identity of the owner can unwrap the data key.
    case keyUnavailable = "key_unavailable"
    /// The workspace sealing key is not available: the root key provider has been unreachable
    /// for longer than the cache allows (fail closed) or was never reached by this process.
    case rootKeyUnavailable = "root_key_unavailable"
    /// The database refused or failed an operation.
    case database
    /// The database URL or file could not be opened.
    case connection
    /// Stored data is inconsistent (a record under a data key of another owner…).
    case corrupt
}

extension LedgerError {
    /// The ledger's reading of a registry failure, keeping its cause: a missing key is not a
    /// database error, and a record that fails to open is corrupt, not unavailable.
    public init(_ error: RegistryError, sealing: Bool) {
        let code: Code =
            switch error.code {
            case .noActiveKey, .identityUnavailable: .keyUnavailable
            case .rootKeyUnavailable: .rootKeyUnavailable
            case .sealedIdentity: .corrupt
            case .staleKeyring: .staleKeys
            case .erased: sealing ? .staleKeys : .corrupt
            case .malformedRecord: sealing ? .invalidArgument : .corrupt
            case .wrongOwner, .unknownDataKey: .corrupt
            case .storeUnavailable: .connection
            case .store: .database
            }
        self.init(code, error.message)
    }
}
