import ActorKeys
import NIOHTTP1
import Synchronization

/// AzureTokenSource gets Key Vault access tokens from Microsoft Entra ID with the OAuth 2.0
/// client credentials grant (`POST {authority}/{tenant}/oauth2/v2.0/token`, form fields
/// grant_type=client_credentials, client_id, client_secret, scope=https://vault.azure.net/.default;
/// Microsoft identity platform, "OAuth 2.0 client credentials flow"). A token is kept until 60 s
/// before its `expires_in` and shared by every call; `invalidate` drops it after Key Vault
/// refused it. The secret and the tokens stay in `SecretBytes`.
public final class AzureTokenSource: Sendable {
    public let authorityURL: String
    public let tenantID: String
    public let clientID: String
    let clientSecret: SecretBytes
    let http: ProviderHTTP
    private let cached = Mutex<Token?>(nil)

    static let scope = "https://vault.azure.net/.default"
    static let margin: Duration = .seconds(60)

    struct Token: Sendable {
        let value: SecretBytes
        let refreshAt: ContinuousClock.Instant
    }

    struct TokenResponse: Decodable {
        let token_type: String
        let expires_in: Seconds
    }

    /// `expires_in` is a number from Entra ID and a string from some older endpoints.
    struct Seconds: Decodable {
        let value: Int

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let number = try? container.decode(Int.self) {
                value = number
            } else if let number = Int(try container.decode(String.self)) {
                value = number
            } else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "expires_in")
            }
        }
    }

    struct TokenError: Decodable {
        let error: String
        let error_codes: [Int]?
    }

    public init(
        authorityURL: String, tenantID: String, clientID: String, clientSecret: SecretBytes, http: ProviderHTTP
    ) throws(RootKeyError) {
        guard !tenantID.isEmpty, tenantID.count <= 128, Self.isName(tenantID, extra: UInt8(ascii: ".")) else {
            throw RootKeyError(.authFailed, "the Azure tenant id is malformed (a GUID or a domain name)")
        }
        guard !clientID.isEmpty, clientID.count <= 128, Self.isName(clientID, extra: nil) else {
            throw RootKeyError(.authFailed, "the Azure client id is malformed (a GUID)")
        }
        var authority = authorityURL
        while authority.hasSuffix("/") { authority.removeLast() }
        self.authorityURL = authority
        self.tenantID = tenantID
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.http = http
    }

    /// A valid access token: the kept one, or a new one from Entra ID.
    public func token() async throws(RootKeyError) -> SecretBytes {
        let now = ContinuousClock.now
        if let token = cached.withLock({ $0 }), now < token.refreshAt { return token.value }
        var form = SecretJSON()
        defer { SecretJSON.zero(&form.bytes) }
        form.append("grant_type=client_credentials&client_id=\(PercentEncoding.encode(clientID))&client_secret=")
        form.appendFormEncoded(secret: clientSecret)
        form.append("&scope=\(PercentEncoding.encode(Self.scope))")
        let url = "\(authorityURL)/\(tenantID)/oauth2/v2.0/token"
        let what = "azure token request for tenant \(tenantID), client \(clientID)"
        let reply: HTTPReply
        do {
            reply = try await http.send(
                .POST, url,
                headers: [("Content-Type", "application/x-www-form-urlencoded"), ("Accept", "application/json")],
                body: form.bytes)
        } catch {
            throw RootKeyError(error.code, "\(what): \(error.message)")
        }
        guard reply.status == 200 else { throw Self.failure(reply, what: what) }
        let answer = try ProviderJSON.decode(TokenResponse.self, from: reply.body, provider: "Microsoft Entra ID")
        guard answer.token_type.lowercased() == "bearer",
            let value = ProviderJSON.secretString("access_token", in: reply.body),
            value.count > 0, value.withUnsafeBytes({ $0.allSatisfy { $0 > 0x20 && $0 < 0x7F } })
        else {
            throw RootKeyError(.networkError, "\(what): Microsoft Entra ID answered without a bearer access token")
        }
        let lifetime = Duration.seconds(max(answer.expires_in.value, 0))
        let token = Token(value: value, refreshAt: now + (lifetime > Self.margin ? lifetime - Self.margin : .zero))
        cached.withLock { $0 = token }
        return value
    }

    /// Drops the kept token if it is `token` (Key Vault refused it).
    public func invalidate(_ token: SecretBytes) {
        cached.withLock { kept in
            if let current = kept, current.value === token { kept = nil }
        }
    }

    /// An Entra ID error (`{"error":"invalid_client","error_description":"AADSTS…"}`) as a code:
    /// every refusal of the client or tenant is an authentication failure.
    static func failure(_ reply: HTTPReply, what: String) -> RootKeyError {
        guard let error = ProviderJSON.decodeError(TokenError.self, from: reply.body) else {
            if reply.status == 429 || reply.status >= 500 {
                return RootKeyError(.networkError, "\(what): Microsoft Entra ID is unavailable (HTTP \(reply.status))")
            }
            return RootKeyError(.networkError, "\(what): HTTP \(reply.status) with a malformed response")
        }
        let code = error.error_codes?.first.map { ", AADSTS\($0)" } ?? ""
        let name = ProviderJSON.said(error.error)
        if reply.status == 429 || reply.status >= 500 || name == "temporarily_unavailable" {
            return RootKeyError(.networkError, "\(what): Microsoft Entra ID is unavailable (\(name)\(code))")
        }
        return RootKeyError(.authFailed, "\(what): Microsoft Entra ID refused the client credentials (\(name)\(code))")
    }

    private static func isName(_ text: String, extra: UInt8?) -> Bool {
        text.utf8.allSatisfy { byte in
            (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
                || byte == UInt8(ascii: "-") || byte == extra
        }
    }
}

extension SecretJSON {
    /// Appends a secret as an `application/x-www-form-urlencoded` value.
    mutating func appendFormEncoded(secret: SecretBytes) {
        let digits = Array("0123456789ABCDEF".utf8)
        secret.withUnsafeBytes { source in
            for byte in source {
                let unreserved =
                    (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
                    || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_")
                    || byte == UInt8(ascii: "~")
                if unreserved {
                    bytes.append(byte)
                } else {
                    bytes += [UInt8(ascii: "%"), digits[Int(byte >> 4)], digits[Int(byte & 15)]]
                }
            }
        }
    }
}
