import ActorKeys

/// WrapContext binds a wrapped key to what it is for: the workspace and the purpose. Providers
/// that take an encryption context or associated data (AWS KMS, Vault/OpenBao Transit, the
/// local key) bind it; a wrapped key presented with another context does not unwrap.
public struct WrapContext: Sendable, Hashable {
    public let workspace: String
    public let purpose: String

    public init(workspace: String, purpose: String) {
        self.workspace = workspace
        self.purpose = purpose
    }

    /// The context as key-value pairs (AWS KMS `EncryptionContext`).
    public var pairs: [(String, String)] {
        [("actorkeys:purpose", purpose), ("actorkeys:workspace", workspace)]
    }

    /// The context as associated-data bytes: both values, length-prefixed.
    public var associatedData: [UInt8] {
        var bytes = Array("actorkeys/root-wrap/v1".utf8)
        for (_, value) in pairs {
            let utf8 = Array(value.utf8)
            bytes += [UInt8(truncatingIfNeeded: utf8.count >> 8), UInt8(truncatingIfNeeded: utf8.count)] + utf8
        }
        return bytes
    }
}

/// WrappedRootKey is a key wrapped by a root key: the provider's ciphertext, exactly as it
/// returned it, and the key version that wrapped it. It is not secret.
public struct WrappedRootKey: Sendable, Hashable {
    public let ciphertext: [UInt8]
    public let kekVersion: String

    public init(ciphertext: [UInt8], kekVersion: String) {
        self.ciphertext = ciphertext
        self.kekVersion = kekVersion
    }
}

/// RootKeyFacts are what a provider says about its key: a stable id (an ARN, a `kid`, a URL)
/// and the version that wraps new keys.
public struct RootKeyFacts: Sendable, Hashable {
    public let kekID: String
    public let kekVersion: String

    public init(kekID: String, kekVersion: String) {
        self.kekID = kekID
        self.kekVersion = kekVersion
    }
}

/// RootKeyProvider wraps and unwraps the workspace sealing key with a root key that a key
/// provider holds. Every call has a timeout; every failure is a `RootKeyError` with one of the
/// documented codes. Implementations keep their credentials to themselves: never in a
/// `description`, an error or a log.
public protocol RootKeyProvider: Sendable {
    /// Where the key is.
    var location: RootKeyLocation { get }
    /// Checks the credentials and that the key exists and can wrap; its id and newest version.
    func describe() async throws(RootKeyError) -> RootKeyFacts
    /// Wraps `key` (32 bytes) under the newest key version, bound to `context`.
    func wrap(_ key: SecretBytes, context: WrapContext) async throws(RootKeyError) -> WrappedRootKey
    /// Unwraps what `wrap` made with the same context.
    func unwrap(_ wrapped: WrappedRootKey, context: WrapContext) async throws(RootKeyError) -> SecretBytes
}

extension RootKeyProvider {
    /// Re-wraps under the provider's newest key version: unwrap, then wrap. No provider does it
    /// in place: Vault's `rewrap` endpoint takes no associated data, so it cannot rewrap a
    /// context-bound ciphertext.
    public func rewrap(
        _ wrapped: WrappedRootKey, context: WrapContext
    ) async throws(RootKeyError) -> WrappedRootKey {
        let key = try await unwrap(wrapped, context: context)
        return try await wrap(key, context: context)
    }
}
