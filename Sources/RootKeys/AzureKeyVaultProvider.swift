import ActorKeys
import Envelope

/// AzureKeyVaultProvider wraps the sealing key with an RSA key in Azure Key Vault
/// (`azure-keyvault://NAME.vault.azure.net/keys/KEY[/VERSION]`): Key Vault's `wrapkey` and
/// `unwrapkey` with RSA-OAEP-256 (REST API 7.4, "Keys - Wrap Key" and "Keys - Unwrap Key"), the
/// private key never leaving the vault. Without VERSION in the URI the key's current version
/// wraps; the version that wrapped is kept with the wrapped key and unwraps it after rotation.
///
/// RSA-OAEP takes no associated data (the `aad` field of `wrapkey` is for AES-GCM keys of a
/// Managed HSM only), so the context is bound inside the plaintext: what Key Vault wraps is the
/// first 16 bytes of SHA-256 of the context's associated data followed by the key (48 bytes), and
/// unwrap checks that prefix. A wrapped key presented with another context unwraps in Key Vault
/// but is refused here as `.unsupportedKey`, and its key is never returned.
///
/// Credentials: `AZURE_TENANT_ID`, `AZURE_CLIENT_ID` and `AZURE_CLIENT_SECRET` (or the files
/// `azure-keyvault.tenant_id`, `azure-keyvault.client_id`, `azure-keyvault.client_secret` under
/// `<home>/secrets/`), a service principal with the keys get, wrapKey and unwrapKey permissions.
public struct AzureKeyVaultProvider: RootKeyProvider {
    public let vault: AzureKeyVaultLocation
    let tokens: AzureTokenSource
    let http: ProviderHTTP

    static let apiVersion = "7.4"
    static let algorithm = "RSA-OAEP-256"
    static let bindingLength = 16

    public var location: RootKeyLocation { .azureKeyVault(vault) }

    public init(
        _ location: AzureKeyVaultLocation, credentials: ProviderCredentials, http: ProviderHTTP = ProviderHTTP()
    ) throws(RootKeyError) {
        func missing(_ variable: String, _ file: String) -> RootKeyError {
            let path = credentials.secretsDirectory.map { FilePath.join($0, file) } ?? "<home>/secrets/\(file)"
            return RootKeyError(.authFailed, "no \(variable): set it or write \(path)")
        }
        guard let tenant = credentials.value("AZURE_TENANT_ID", file: "azure-keyvault.tenant_id") else {
            throw missing("AZURE_TENANT_ID", "azure-keyvault.tenant_id")
        }
        guard let client = credentials.value("AZURE_CLIENT_ID", file: "azure-keyvault.client_id") else {
            throw missing("AZURE_CLIENT_ID", "azure-keyvault.client_id")
        }
        guard let secret = try credentials.secret("AZURE_CLIENT_SECRET", file: "azure-keyvault.client_secret"),
            secret.count > 0
        else { throw missing("AZURE_CLIENT_SECRET", "azure-keyvault.client_secret") }
        self.vault = location
        self.http = http
        self.tokens = try AzureTokenSource(
            authorityURL: location.authorityURL, tenantID: tenant, clientID: client, clientSecret: secret, http: http)
    }

    /// `GET /keys/KEY[/VERSION]`: an enabled RSA or RSA-HSM key whose key_ops allow wrapKey and
    /// unwrapKey. The id is the key's `kid` without its version.
    public func describe() async throws(RootKeyError) -> RootKeyFacts {
        let key = try await keyBundle()
        return RootKeyFacts(kekID: key.id, kekVersion: key.version)
    }

    public func wrap(_ key: SecretBytes, context: WrapContext) async throws(RootKeyError) -> WrappedRootKey {
        let version: String
        if let pinned = vault.version {
            version = pinned
        } else {
            version = try await keyBundle().version
        }
        var body = SecretJSON()
        defer { SecretJSON.zero(&body.bytes) }
        body.append("{\"alg\":\"\(Self.algorithm)\",\"value\":\"")
        body.appendBase64URL(secret: Self.bound(key, context: context))
        body.append("\"}")
        let reply = try await call(.POST, "\(version)/wrapkey", body: body.bytes, step: "wrapkey")
        let answer = try ProviderJSON.decode(OperationResult.self, from: reply.body, provider: "Azure Key Vault")
        let wrappedBy = try Self.parse(kid: answer.kid, key: vault.key)
        guard let ciphertext = Base64.decodeURL(answer.value), !ciphertext.isEmpty else {
            throw RootKeyError(.networkError, "Azure Key Vault's wrapkey answered without a base64url value")
        }
        return WrappedRootKey(ciphertext: ciphertext, kekVersion: wrappedBy.version)
    }

    public func unwrap(_ wrapped: WrappedRootKey, context: WrapContext) async throws(RootKeyError) -> SecretBytes {
        guard AzureKeyVaultLocation.isVersion(wrapped.kekVersion), !wrapped.ciphertext.isEmpty else {
            throw RootKeyError(.unsupportedKey, "the wrapped key is not an Azure Key Vault wrapped key")
        }
        let body = "{\"alg\":\"\(Self.algorithm)\",\"value\":\"\(Base64.encodeURL(wrapped.ciphertext))\"}"
        let reply = try await call(.POST, "\(wrapped.kekVersion)/unwrapkey", body: Array(body.utf8), step: "unwrapkey")
        _ = try ProviderJSON.decode(UnwrapResult.self, from: reply.body, provider: "Azure Key Vault")
        guard let encoded = ProviderJSON.secretString("value", in: reply.body), let plaintext = Self.decodeURL(encoded)
        else {
            throw RootKeyError(.networkError, "Azure Key Vault's unwrapkey answered without a base64url value")
        }
        return try Self.unbound(plaintext, context: context)
    }

    /// `SHA-256(associated data)[0..<16] || key`: the context bound into what RSA-OAEP wraps.
    static func bound(_ key: SecretBytes, context: WrapContext) -> SecretBytes {
        let binding = SHA256.hash(context.associatedData).prefix(bindingLength)
        return SecretBytes(count: bindingLength + key.count) { target in
            target.copyBytes(from: binding)
            key.withUnsafeBytes {
                UnsafeMutableRawBufferPointer(rebasing: target[bindingLength...]).copyMemory(from: $0)
            }
        }
    }

    /// The key of an unwrapped plaintext, after checking its context prefix in constant time.
    static func unbound(_ plaintext: SecretBytes, context: WrapContext) throws(RootKeyError) -> SecretBytes {
        let binding = Array(SHA256.hash(context.associatedData).prefix(bindingLength))
        let matches = plaintext.withUnsafeBytes { bytes in
            bytes.count > bindingLength
                && binding.withUnsafeBytes {
                    ConstantTime.equal(UnsafeRawBufferPointer(rebasing: bytes[..<bindingLength]), $0)
                }
        }
        guard matches else {
            throw RootKeyError(
                .unsupportedKey,
                "the wrapped key was wrapped for another workspace or purpose (its context does not match)")
        }
        return plaintext.withUnsafeBytes {
            SecretBytes(copying: UnsafeRawBufferPointer(rebasing: $0[bindingLength...]))
        }
    }

    /// Decodes base64url (padded or not) held in secret bytes, without a `String` of it.
    static func decodeURL(_ encoded: SecretBytes) -> SecretBytes? {
        var standard: [UInt8] = []
        standard.reserveCapacity(encoded.count + 3)
        defer { SecretJSON.zero(&standard) }
        encoded.withUnsafeBytes { bytes in
            for byte in bytes where byte != UInt8(ascii: "=") {
                standard.append(
                    byte == UInt8(ascii: "-") ? UInt8(ascii: "+") : byte == UInt8(ascii: "_") ? UInt8(ascii: "/") : byte
                )
            }
        }
        while standard.count % 4 != 0 { standard.append(UInt8(ascii: "=")) }
        return standard.withUnsafeBytes { Base64.decodeSecret($0) }
    }
}
