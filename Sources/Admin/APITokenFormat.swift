import ActorKeys

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
        let secret = prefix + base64URL(random)
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

    /// RFC 4648 §5 base64url without padding.
    static func base64URL(_ bytes: [UInt8]) -> String {
        var output = [UInt8]()
        var index = 0
        while index < bytes.count {
            let chunk = bytes[index..<min(index + 3, bytes.count)]
            var group: UInt32 = 0
            for (offset, byte) in chunk.enumerated() { group |= UInt32(byte) << UInt32(16 - 8 * offset) }
            for position in 0..<(chunk.count + 1) { output.append(alphabet[Int(group >> UInt32(18 - 6 * position) & 63)]) }
            index += 3
        }
        return String(decoding: output, as: UTF8.self)
    }
}
