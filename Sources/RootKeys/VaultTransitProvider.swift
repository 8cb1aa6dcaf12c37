import ActorKeys
import Envelope

/// VaultTransitProvider wraps the sealing key with a Transit key of HashiCorp Vault or OpenBao
/// (`vault-transit://HOST:PORT/MOUNT/KEY`). The key never leaves Vault: `encrypt` and `decrypt`
/// run there, bound to the context as `associated_data`, so the key must be one of the AEAD types
/// that take it (aes128-gcm96, aes256-gcm96, chacha20-poly1305). The wrapped form is Vault's own
/// ciphertext, `vault:vN:…`, kept as its UTF-8 bytes; N is the key version.
///
/// The token comes from `VAULT_TOKEN`, else `<home>/secrets/vault-transit.token`, else
/// `$HOME/.vault-token` (where `vault login` leaves it); `VAULT_NAMESPACE` selects a namespace.
/// Give the token `update` on `MOUNT/encrypt/KEY` and `MOUNT/decrypt/KEY`, and `read` on
/// `MOUNT/keys/KEY` for `describe`; not `create`, with which Vault makes a missing key on the
/// first encrypt instead of refusing it.
///
/// Rewrap is decrypt then encrypt in this process: Vault's `rewrap` endpoint takes no
/// `associated_data` (OpenBao 2.7.2 `builtin/logical/transit/path_rewrap.go` decrypts and
/// encrypts with none), so it refuses every ciphertext bound to a context.
public struct VaultTransitProvider: RootKeyProvider {
    public let transit: VaultTransitLocation
    let token: SecretBytes
    let namespace: String?
    let http: ProviderHTTP

    /// The Transit key types that encrypt with associated data.
    static let aeadTypes: Set<String> = ["aes128-gcm96", "aes256-gcm96", "chacha20-poly1305"]

    public var location: RootKeyLocation { .vaultTransit(transit) }

    public init(
        _ location: VaultTransitLocation, credentials: ProviderCredentials, http: ProviderHTTP = ProviderHTTP()
    ) throws(RootKeyError) {
        self.transit = location
        self.http = http
        self.namespace = credentials.value("VAULT_NAMESPACE")
        var looked = ["VAULT_TOKEN"]
        if let directory = credentials.secretsDirectory {
            looked.append(FilePath.join(directory, "vault-transit.token"))
        }
        if let token = try credentials.secret("VAULT_TOKEN", file: "vault-transit.token"), token.count > 0 {
            self.token = token
            return
        }
        if let home = credentials.environment["HOME"], !home.isEmpty {
            let path = FilePath.join(home, ".vault-token")
            looked.append(path)
            if let token = try ProviderCredentials.read(path: path), token.count > 0 {
                self.token = token
                return
            }
        }
        throw RootKeyError(.authFailed, "no Vault token: looked in \(looked.joined(separator: ", "))")
    }

    /// Checks the token (`lookup-self`), then that the key exists and is an AEAD key that encrypts
    /// and decrypts. The id is the key's API URL; the version is its latest.
    public func describe() async throws(RootKeyError) -> RootKeyFacts {
        let lookup = try await request(.GET, "auth/token/lookup-self", step: "token lookup")
        guard lookup.status == 200 else { throw await failure(lookup, step: "token lookup") }
        let reply = try await request(.GET, keyPath("keys"), step: "key read")
        guard reply.status == 200 else { throw await failure(reply, step: "key read") }
        let key = try ProviderJSON.decode(KeyInfo.self, from: reply.body, provider: "Vault").data
        guard key.supports_encryption, key.supports_decryption else {
            throw RootKeyError(.unsupportedKey, "the Vault Transit key \(keyName) cannot encrypt and decrypt")
        }
        guard Self.aeadTypes.contains(key.type) else {
            throw RootKeyError(
                .unsupportedKey,
                "the Vault Transit key \(keyName) is \(ProviderJSON.said(key.type)), which takes no associated data: "
                    + "use aes256-gcm96, aes128-gcm96 or chacha20-poly1305")
        }
        guard key.latest_version > 0 else { throw RootKeyError(.networkError, "Vault reported no key version") }
        return RootKeyFacts(kekID: "\(transit.address)/v1/\(keyPath("keys"))", kekVersion: String(key.latest_version))
    }

    public func wrap(_ key: SecretBytes, context: WrapContext) async throws(RootKeyError) -> WrappedRootKey {
        var body = SecretJSON()
        defer { SecretJSON.zero(&body.bytes) }
        body.append("{\"plaintext\":\"")
        body.append(secret: Base64.encode(secret: key))
        body.append("\",\"associated_data\":\"\(Base64.encode(context.associatedData))\"}")
        let reply = try await request(.POST, keyPath("encrypt"), body: body.bytes, step: "encrypt")
        guard reply.status == 200 else { throw await failure(reply, step: "encrypt") }
        let ciphertext = try ProviderJSON.decode(Ciphertext.self, from: reply.body, provider: "Vault").data.ciphertext
        guard let version = Self.version(of: ciphertext) else {
            throw RootKeyError(
                .networkError, "Vault's encrypt answered with something that is not a Transit ciphertext")
        }
        return WrappedRootKey(ciphertext: Array(ciphertext.utf8), kekVersion: version)
    }

    public func unwrap(_ wrapped: WrappedRootKey, context: WrapContext) async throws(RootKeyError) -> SecretBytes {
        let ciphertext = try Self.ciphertext(of: wrapped)
        let body =
            "{\"ciphertext\":\(ProviderJSON.quoted(ciphertext)),"
            + "\"associated_data\":\"\(Base64.encode(context.associatedData))\"}"
        let reply = try await request(.POST, keyPath("decrypt"), body: Array(body.utf8), step: "decrypt")
        guard reply.status == 200 else { throw await failure(reply, step: "decrypt") }
        _ = try ProviderJSON.decode(Plaintext.self, from: reply.body, provider: "Vault")
        let key = ProviderJSON.secretString("plaintext", in: reply.body).flatMap { encoded in
            encoded.withUnsafeBytes { Base64.decodeSecret($0) }
        }
        guard let key else { throw RootKeyError(.networkError, "Vault's decrypt answered without a base64 plaintext") }
        return key
    }

    var keyName: String { "\(transit.mount)/\(transit.key)" }

    /// `MOUNT/OPERATION/KEY`: `transit/encrypt/actorkeys`.
    func keyPath(_ operation: String) -> String { "\(transit.mount)/\(operation)/\(transit.key)" }

    /// N of `vault:vN:…`, or nil when the text is not of that shape.
    static func version(of ciphertext: String) -> String? {
        guard ciphertext.hasPrefix("vault:v") else { return nil }
        let rest = ciphertext.dropFirst("vault:v".count)
        let digits = rest.prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, digits.count <= 10, digits.first != "0",
            rest.dropFirst(digits.count).first == ":", rest.count > digits.count + 1
        else { return nil }
        return String(digits)
    }

    /// The Transit ciphertext of a wrapped key, checked against its recorded version.
    static func ciphertext(of wrapped: WrappedRootKey) throws(RootKeyError) -> String {
        guard let text = String(validating: wrapped.ciphertext, as: UTF8.self), let version = version(of: text),
            text.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F })
        else {
            throw RootKeyError(.unsupportedKey, "the wrapped key is not a Vault Transit ciphertext")
        }
        guard version == wrapped.kekVersion else {
            throw RootKeyError(.unsupportedKey, "the wrapped key's ciphertext does not match its recorded key version")
        }
        return text
    }
}
