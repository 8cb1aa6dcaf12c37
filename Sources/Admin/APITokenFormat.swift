import ActorKeys
import Envelope
import Ledger

/// APITokenFormat makes bearer tokens: `ak_` and 43 base64url characters (32 random bytes). The
/// prefix lets secret scanners find a leaked token. Only the SHA-256 (hex) is stored.
enum APITokenFormat {
    static let prefix = "ak_"

    struct Token {
        let id: String
        let secret: String
        let hash: String
    }

    static func generate() -> Token {
        let random = SecretBytes.random(count: 32).withUnsafeBytes { Array($0) }
        let secret = prefix + Base64.encodeURL(random)
        let id = "tok_" + Hex.encode(SecretBytes.random(count: 6).withUnsafeBytes { Array($0) })
        return Token(id: id, secret: secret, hash: hash(secret))
    }

    static func hash(_ token: String) -> String { SHA256.hex(token) }

    /// Whether `text` has the shape of a token (checked before any lookup).
    static func isWellFormed(_ text: String) -> Bool {
        guard text.hasPrefix(prefix) else { return false }
        let body = text.utf8.dropFirst(prefix.utf8.count)
        return body.count >= 32 && body.count <= 128 && body.allSatisfy { alphabet.contains($0) }
    }

    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
}

extension Workspace {
    /// The actor a bearer token (`ak_…`) acts as, or nil when the token is malformed, unknown,
    /// revoked, or its actor was shredded. The token is hashed and looked up by hash; the stored
    /// hash is compared again in constant time. The token itself is never logged or stored.
    public func authenticate(bearer token: String) async throws(AdminError) -> Actor? {
        guard APITokenFormat.isWellFormed(token) else { return nil }
        let hash = APITokenFormat.hash(token)
        guard let (record, storedHash) = try await admin({ try await store.token(hash: hash) }),
            ConstantTime.equal(storedHash.utf8, hash.utf8)
        else { return nil }
        guard let actor = try await admin({ try await store.actor(record.actor) }), !actor.isShredded else {
            return nil
        }
        return actor
    }
}
