import ActorKeys
import Envelope

/// LocalRootKey is the embedded default root key: 32 random bytes in a 0600 file
/// (`<home>/keys/root.key` unless the URI says otherwise), as one line of the form
/// `ACTORKEYS-ROOT-KEY-1 <base64>`. It wraps with XChaCha20-Poly1305 bound to the context; its
/// id is a fingerprint of the key, so a node given the wrong file says so instead of failing to
/// unseal everything.
public struct LocalRootKey: RootKeyProvider {
    static let prefix = "ACTORKEYS-ROOT-KEY-1 "
    public let path: String
    public var location: RootKeyLocation { .local(path: path) }

    public init(path: String) {
        self.path = path
    }

    /// Creates a new key file, refusing to replace one.
    @discardableResult
    public static func create(at path: String) throws(RootKeyError) -> LocalRootKey {
        do {
            try FilePath.makeDirectories(FilePath.split(path).directory)
            let key = SecretBytes.random(count: 32)
            let encoded = Base64.encode(secret: key)
            let writer = try AtomicFileWriter(destination: path, mode: 0o600)
            try writer.write(Array(prefix.utf8))
            try encoded.withUnsafeBytes { bytes throws(ActorKeysError) in try writer.write(bytes) }
            try writer.write([0x0A])
            try writer.commit(.refuse)
        } catch {
            throw RootKeyError(
                error.code == .conflict ? .invalidURI : .keyNotFound,
                error.code == .conflict
                    ? "a root key file already exists at \(path): it is never replaced" : error.message)
        }
        return LocalRootKey(path: path)
    }

    func key() throws(RootKeyError) -> SecretBytes {
        let contents: SecretBytes
        do {
            contents = try FilePath.readSecret(path, limit: 256)
        } catch  where error.code == .notFound {
            throw RootKeyError(.keyNotFound, "the root key file \(path) does not exist")
        } catch {
            throw RootKeyError(.permissionDenied, "cannot read the root key file: \(error.message)")
        }
        let key = contents.withUnsafeBytes { bytes -> SecretBytes? in
            let prefixBytes = Array(Self.prefix.utf8)
            guard bytes.count > prefixBytes.count, bytes.starts(with: prefixBytes) else { return nil }
            var end = bytes.count
            while end > prefixBytes.count, bytes[end - 1] == 0x0A || bytes[end - 1] == 0x0D { end -= 1 }
            return Base64.decodeSecret(UnsafeRawBufferPointer(rebasing: bytes[prefixBytes.count..<end]))
        }
        guard let key, key.count == 32 else {
            throw RootKeyError(.unsupportedKey, "\(path) is not an actorkeys root key file")
        }
        return key
    }

    public func describe() async throws(RootKeyError) -> RootKeyFacts {
        RootKeyFacts(kekID: try Self.fingerprint(of: key()), kekVersion: "1")
    }

    public func wrap(_ secret: SecretBytes, context: WrapContext) async throws(RootKeyError) -> WrappedRootKey {
        WrappedRootKey(
            ciphertext: SecretBox.seal(secret, key: try key(), associatedData: context.associatedData), kekVersion: "1")
    }

    public func unwrap(_ wrapped: WrappedRootKey, context: WrapContext) async throws(RootKeyError) -> SecretBytes {
        do {
            return try SecretBox.open(wrapped.ciphertext, key: try key(), associatedData: context.associatedData)
        } catch {
            throw RootKeyError(
                .unsupportedKey, "the root key file \(path) does not unwrap this sealing key (another key file?)")
        }
    }

    /// `local:` fingerprint: the first 16 hex characters of SHA-256 of a label and the key.
    static func fingerprint(of key: SecretBytes) -> String {
        let digest = key.withUnsafeBytes { bytes in SHA256.hash(Array("actorkeys-root-key-id".utf8) + Array(bytes)) }
        return "local-" + Hex.encode(Array(digest.prefix(8)))
    }
}
