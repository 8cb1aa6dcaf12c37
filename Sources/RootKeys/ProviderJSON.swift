import ActorKeys
import FoundationEssentials

/// ProviderJSON reads and writes the small JSON documents of the KMS providers' APIs. Answers are
/// decoded into `Decodable` shapes that leave the secret fields out; a secret field (Vault's
/// `plaintext`, Azure's unwrapped `value`) is read by `secretString(_:in:)` straight into
/// `SecretBytes`, so no `String` ever holds key material. Requests that carry a secret are built
/// as bytes by `SecretJSON` and zeroed once sent.
enum ProviderJSON {
    /// Decodes an answer; `.networkError` naming `provider` when it is not the documented shape.
    static func decode<T: Decodable>(_ type: T.Type, from body: [UInt8], provider: String) throws(RootKeyError) -> T {
        do {
            return try JSONDecoder().decode(type, from: Data(body))
        } catch {
            throw RootKeyError(.networkError, "\(provider) sent a malformed response (not its documented JSON)")
        }
    }

    /// Decodes an error body, or nil when it is not JSON of that shape.
    static func decodeError<T: Decodable>(_ type: T.Type, from body: [UInt8]) -> T? {
        try? JSONDecoder().decode(type, from: Data(body))
    }

    /// The raw characters of the string member `name` of the first object that has it, as secret
    /// bytes; nil when there is none or it holds escapes other than `\/` (base64 never needs them).
    static func secretString(_ name: String, in body: [UInt8]) -> SecretBytes? {
        let needle = Array("\"\(name)\"".utf8)
        guard var index = firstIndex(of: needle, in: body) else { return nil }
        index += needle.count
        while index < body.count, isSpace(body[index]) { index += 1 }
        guard index < body.count, body[index] == UInt8(ascii: ":") else { return nil }
        index += 1
        while index < body.count, isSpace(body[index]) { index += 1 }
        guard index < body.count, body[index] == UInt8(ascii: "\"") else { return nil }
        index += 1
        var value: [UInt8] = []
        defer { SecretJSON.zero(&value) }
        while index < body.count, body[index] != UInt8(ascii: "\"") {
            if body[index] == UInt8(ascii: "\\") {
                guard index + 1 < body.count, body[index + 1] == UInt8(ascii: "/") else { return nil }
                index += 1
            }
            value.append(body[index])
            index += 1
        }
        guard index < body.count else { return nil }
        return SecretBytes(copying: value)
    }

    /// A JSON string literal of a value that is not secret (a key id, a context value).
    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case let control where control.value < 0x20:
                let hex = String(control.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    /// What a provider said, fit for an error message: one line, printable, at most 160 characters.
    static func said(_ text: String) -> String {
        var out = ""
        var lastWasSpace = false
        for character in text {
            let space = character.isWhitespace || character.isNewline
            if space {
                if !lastWasSpace, !out.isEmpty { out.append(" ") }
            } else if character.isASCII, let ascii = character.asciiValue, ascii >= 0x20, ascii < 0x7F {
                out.append(character)
            } else if !character.isASCII {
                out.append(character)
            }
            lastWasSpace = space
        }
        while out.last == " " || out.last == "." { out.removeLast() }
        return out.count > 160 ? String(out.prefix(157)) + "..." : out
    }

    private static func firstIndex(of needle: [UInt8], in body: [UInt8]) -> Int? {
        guard needle.count <= body.count else { return nil }
        for start in 0...(body.count - needle.count) where body[start] == needle[0] {
            if body[start..<(start + needle.count)].elementsEqual(needle) { return start }
        }
        return nil
    }

    private static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 }
}

/// SecretJSON builds a request body that holds a secret: the caller appends the pieces and zeroes
/// the bytes with `zero` once the request is sent.
struct SecretJSON {
    var bytes: [UInt8] = []

    /// Reserves room for the whole body first, so that growing never leaves a stray copy behind.
    init(capacity: Int = 1024) { bytes.reserveCapacity(capacity) }

    mutating func append(_ text: String) { bytes += Array(text.utf8) }

    mutating func append(secret: SecretBytes) {
        secret.withUnsafeBytes { bytes.append(contentsOf: $0) }
    }

    static func zero(_ bytes: inout [UInt8]) {
        bytes.withUnsafeMutableBytes { SecretBytes.zero($0) }
    }
}
