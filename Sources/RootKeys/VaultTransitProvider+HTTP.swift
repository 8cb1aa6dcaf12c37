import ActorKeys
import NIOHTTP1

/// The Vault HTTP API as the provider uses it: one request with the token and namespace headers,
/// the answers' shapes, and Vault's `{"errors":[…]}` bodies mapped to `RootKeyError` codes.
extension VaultTransitProvider {
    struct KeyInfo: Decodable {
        struct Data: Decodable {
            let type: String
            let supports_encryption: Bool
            let supports_decryption: Bool
            let latest_version: Int
        }
        let data: Data
    }

    struct Ciphertext: Decodable {
        struct Data: Decodable { let ciphertext: String }
        let data: Data
    }

    /// The decrypt answer's shape; its `plaintext` is read separately, as a secret.
    struct Plaintext: Decodable {
        struct Data: Decodable {}
        let data: Data
    }

    struct Errors: Decodable { let errors: [String] }

    /// Sends one request to `/v1/PATH`.
    func request(
        _ method: HTTPMethod, _ path: String, body: [UInt8]? = nil, step: String
    ) async throws(RootKeyError) -> HTTPReply {
        var headers = [("X-Vault-Token", token.utf8String), ("Accept", "application/json")]
        if let namespace { headers.append(("X-Vault-Namespace", namespace)) }
        if body != nil { headers.append(("Content-Type", "application/json")) }
        do {
            return try await http.send(method, "\(transit.address)/v1/\(path)", headers: headers, body: body)
        } catch {
            throw RootKeyError(error.code, "vault transit \(step) with \(keyName): \(error.message)")
        }
    }

    /// The error for an answer that is not a success. A 403 from Transit is checked against
    /// `lookup-self`: Vault says "permission denied" both for a token it does not know and for
    /// one that may not use the key, and only the first is an authentication failure.
    func failure(_ reply: HTTPReply, step: String) async -> RootKeyError {
        let what = "vault transit \(step) with \(keyName)"
        guard let errors = ProviderJSON.decodeError(Errors.self, from: reply.body) else {
            return RootKeyError(
                .networkError, "\(what): Vault answered HTTP \(reply.status) with a malformed response")
        }
        let said = errors.errors.first.map(ProviderJSON.said).map { ": \($0)" } ?? ""
        switch reply.status {
        case 401, 403:
            let refused = step == "token lookup" ? true : !(await tokenIsKnown())
            if refused {
                return RootKeyError(.authFailed, "\(what): Vault refused the token (HTTP \(reply.status))")
            }
            return RootKeyError(.permissionDenied, "\(what): the token may not do this (HTTP \(reply.status))\(said)")
        case 404:
            return RootKeyError(.keyNotFound, "\(what): no such key (HTTP 404)")
        case 400 where said.contains("not found"):
            return RootKeyError(.keyNotFound, "\(what): no such key (HTTP 400\(said))")
        case 400:
            return RootKeyError(.unsupportedKey, "\(what): Vault refused (HTTP 400\(said))")
        case 429, 500...599:
            return RootKeyError(.networkError, "\(what): Vault is unavailable (HTTP \(reply.status)\(said))")
        default:
            return RootKeyError(.networkError, "\(what): unexpected HTTP \(reply.status)\(said)")
        }
    }

    /// Whether Vault knows the token (`lookup-self` succeeds); true when that cannot be told.
    func tokenIsKnown() async -> Bool {
        guard let reply = try? await request(.GET, "auth/token/lookup-self", step: "token lookup") else { return true }
        return reply.status != 401 && reply.status != 403
    }
}
