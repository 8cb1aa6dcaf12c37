import ActorKeys
import Envelope
import NIOHTTP1

/// The Key Vault REST API (7.4) as the provider uses it: requests with a bearer token from Entra
/// ID, the answers' shapes ("Keys - Get Key": KeyBundle; "Wrap Key"/"Unwrap Key":
/// KeyOperationResult), and the KeyVaultError body `{"error":{"code","message","innererror"}}`
/// mapped to `RootKeyError` codes.
extension AzureKeyVaultProvider {
    struct KeyBundle: Decodable {
        struct Key: Decodable {
            let kid: String
            let kty: String
            let key_ops: [String]?
        }
        struct Attributes: Decodable { let enabled: Bool? }
        let key: Key
        let attributes: Attributes?
    }

    struct OperationResult: Decodable {
        let kid: String
        let value: String
    }

    /// The unwrap answer's shape; its `value` is read separately, as a secret.
    struct UnwrapResult: Decodable { let kid: String }

    struct VaultError: Decodable {
        struct Inner: Decodable { let code: String? }
        struct Body: Decodable {
            let code: String?
            let message: String?
            let innererror: Inner?
        }
        let error: Body
    }

    /// The key's id without its version, and its version, from a `kid`
    /// (`https://NAME.vault.azure.net/keys/KEY/VERSION`) that must name `key`.
    static func parse(kid: String, key: String) throws(RootKeyError) -> (id: String, version: String) {
        let parts = kid.split(separator: "/", omittingEmptySubsequences: false)
        guard kid.hasPrefix("https://") || kid.hasPrefix("http://"), parts.count == 6, parts[3] == "keys",
            parts[4].lowercased() == key.lowercased(), AzureKeyVaultLocation.isVersion(String(parts[5]))
        else {
            throw RootKeyError(.networkError, "Azure Key Vault answered with a kid that does not name the key \(key)")
        }
        return (parts.dropLast().joined(separator: "/"), String(parts[5]))
    }

    /// The key (its pinned version, else the current one), checked to be able to wrap.
    func keyBundle() async throws(RootKeyError) -> (id: String, version: String) {
        let reply = try await call(.GET, vault.version ?? "", body: nil, step: "get key")
        let bundle = try ProviderJSON.decode(KeyBundle.self, from: reply.body, provider: "Azure Key Vault")
        let facts = try Self.parse(kid: bundle.key.kid, key: vault.key)
        guard bundle.key.kty == "RSA" || bundle.key.kty == "RSA-HSM" else {
            throw RootKeyError(
                .unsupportedKey,
                "the Azure key \(vault.key) is \(ProviderJSON.said(bundle.key.kty)), not RSA or RSA-HSM (RSA-OAEP-256)")
        }
        let operations = Set(bundle.key.key_ops ?? [])
        guard operations.contains("wrapKey"), operations.contains("unwrapKey") else {
            throw RootKeyError(
                .unsupportedKey, "the Azure key \(vault.key) does not allow wrapKey and unwrapKey (key_ops)")
        }
        guard bundle.attributes?.enabled ?? true else {
            throw RootKeyError(.unsupportedKey, "the Azure key \(vault.key) version \(facts.version) is disabled")
        }
        return facts
    }

    /// Sends `METHOD {vault}/keys/KEY[/SUFFIX]?api-version=7.4` and returns a 200 answer. A 401
    /// with a kept token drops it and tries once more with a new one.
    func call(
        _ method: HTTPMethod, _ suffix: String, body: [UInt8]?, step: String
    ) async throws(RootKeyError)
        -> HTTPReply
    {
        var base = vault.vaultURL
        while base.hasSuffix("/") { base.removeLast() }
        let url = "\(base)/keys/\(vault.key)\(suffix.isEmpty ? "" : "/" + suffix)?api-version=\(Self.apiVersion)"
        let what = "azure key vault \(step) with \(vault.vaultName)/\(vault.key)"
        for attempt in 0..<2 {
            let token = try await tokens.token()
            var headers = [("Authorization", "Bearer " + token.utf8String), ("Accept", "application/json")]
            if body != nil { headers.append(("Content-Type", "application/json")) }
            let reply: HTTPReply
            do {
                reply = try await http.send(method, url, headers: headers, body: body)
            } catch {
                throw RootKeyError(error.code, "\(what): \(error.message)")
            }
            if reply.status == 200 { return reply }
            if reply.status == 401, attempt == 0 {
                tokens.invalidate(token)
                continue
            }
            throw Self.failure(reply, what: what)
        }
        throw RootKeyError(.authFailed, "\(what): Key Vault refused the access token (HTTP 401)")
    }

    static func failure(_ reply: HTTPReply, what: String) -> RootKeyError {
        guard let error = ProviderJSON.decodeError(VaultError.self, from: reply.body)?.error else {
            if reply.status == 429 || reply.status >= 500 {
                return RootKeyError(.networkError, "\(what): Key Vault is unavailable (HTTP \(reply.status))")
            }
            return RootKeyError(.networkError, "\(what): HTTP \(reply.status) with a malformed response")
        }
        let code = ProviderJSON.said(error.code ?? "")
        let inner = ProviderJSON.said(error.innererror?.code ?? "")
        let message = ProviderJSON.said(error.message ?? "")
        let said =
            "(\([code, inner].filter { !$0.isEmpty }.joined(separator: "/")))\(message.isEmpty ? "" : ": " + message)"
        switch reply.status {
        case 401:
            return RootKeyError(.authFailed, "\(what): Key Vault refused the access token \(said)")
        case 403 where inner == "KeyDisabled" || message.lowercased().contains("disabled"):
            return RootKeyError(.unsupportedKey, "\(what): the key is disabled \(said)")
        case 403:
            return RootKeyError(.permissionDenied, "\(what): not allowed \(said)")
        case 404:
            return RootKeyError(.keyNotFound, "\(what): no such key or version \(said)")
        case 400, 409:
            return RootKeyError(.unsupportedKey, "\(what): Key Vault refused \(said)")
        case 429, 500...599:
            return RootKeyError(.networkError, "\(what): Key Vault is unavailable \(said)")
        default:
            return RootKeyError(.networkError, "\(what): unexpected HTTP \(reply.status) \(said)")
        }
    }
}

extension SecretJSON {
    /// Appends a secret as unpadded base64url.
    mutating func appendBase64URL(secret: SecretBytes) {
        let encoded = Base64.encode(secret: secret)
        encoded.withUnsafeBytes { source in
            for byte in source where byte != UInt8(ascii: "=") {
                bytes.append(
                    byte == UInt8(ascii: "+") ? UInt8(ascii: "-") : byte == UInt8(ascii: "/") ? UInt8(ascii: "_") : byte
                )
            }
        }
    }
}
