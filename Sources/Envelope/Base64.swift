import ActorKeys

/// Base64 is RFC 4648 standard base64 in the two forms age uses: canonical and unpadded in the
/// header, padded in ASCII armor. Decoders are strict: `=` where it does not belong, characters
/// outside the alphabet, an impossible length, or non-zero trailing bits are all rejected.
/// It is actorkeys' one base64: the public entry points below serve the API's payloads and
/// tokens too.
public enum Base64 {
    static let alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    private static let decodeTable: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (value, character) in alphabet.enumerated() { table[Int(character)] = UInt8(value) }
        return table
    }()

    static func isAlphabet(_ byte: UInt8) -> Bool { decodeTable[Int(byte)] != 0xFF }

    /// Encodes without padding.
    static func encodeUnpadded(_ bytes: UnsafeRawBufferPointer) -> [UInt8] {
        var output = encodePadded(bytes)
        while output.last == UInt8(ascii: "=") { output.removeLast() }
        return output
    }

    static func encodeUnpadded(_ bytes: [UInt8]) -> String {
        String(decoding: bytes.withUnsafeBytes { encodeUnpadded($0) }, as: UTF8.self)
    }

    /// Encodes with `=` padding.
    static func encodePadded(_ bytes: UnsafeRawBufferPointer) -> [UInt8] {
        var output = [UInt8]()
        output.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = 0
        while index + 3 <= bytes.count {
            let group = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8 | UInt32(bytes[index + 2])
            output.append(alphabet[Int(group >> 18 & 63)])
            output.append(alphabet[Int(group >> 12 & 63)])
            output.append(alphabet[Int(group >> 6 & 63)])
            output.append(alphabet[Int(group & 63)])
            index += 3
        }
        let rest = bytes.count - index
        if rest > 0 {
            let group = UInt32(bytes[index]) << 16 | (rest == 2 ? UInt32(bytes[index + 1]) << 8 : 0)
            output.append(alphabet[Int(group >> 18 & 63)])
            output.append(alphabet[Int(group >> 12 & 63)])
            output.append(rest == 2 ? alphabet[Int(group >> 6 & 63)] : UInt8(ascii: "="))
            output.append(UInt8(ascii: "="))
        }
        return output
    }

    /// Decodes canonical unpadded base64; nil for anything else.
    static func decodeUnpadded(_ text: some Collection<UInt8>) -> [UInt8]? {
        var output = [UInt8]()
        output.reserveCapacity(text.count * 3 / 4)
        guard decode(text, into: &output) else { return nil }
        return output
    }

    /// Decodes canonical unpadded base64 from a String; nil for anything else.
    static func decodeUnpadded(_ text: String) -> [UInt8]? {
        decodeUnpadded(Array(text.utf8))
    }

    /// Decodes canonical padded base64 (length a multiple of 4, padding only at the end).
    static func decodePadded(_ text: [UInt8], into output: inout [UInt8]) -> Bool {
        guard text.count % 4 == 0 else { return false }
        var body = text[...]
        var padding = 0
        while padding < 2, body.last == UInt8(ascii: "=") {
            body = body.dropLast()
            padding += 1
        }
        guard padding == 0 || body.count % 4 != 0 else { return false }
        return decode(body, into: &output)
    }

    /// Appends the decoding of unpadded canonical base64 to `output`.
    private static func decode(_ text: some Collection<UInt8>, into output: inout [UInt8]) -> Bool {
        guard text.count % 4 != 1 else { return false }
        var accumulator: UInt32 = 0
        var bits = 0
        for character in text {
            let value = decodeTable[Int(character)]
            guard value != 0xFF else { return false }
            accumulator = accumulator << 6 | UInt32(value)
            bits += 6
            if bits >= 8 {
                bits -= 8
                output.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
            }
        }
        // Canonical: the bits left over after the last whole byte must be zero.
        return accumulator & ((1 << UInt32(bits)) - 1) == 0
    }
}

extension Base64 {
    /// Standard base64 of `bytes`, padded (RFC 4648 §4).
    public static func encode(_ bytes: [UInt8]) -> String {
        String(decoding: bytes.withUnsafeBytes { encodePadded($0) }, as: UTF8.self)
    }

    /// Decodes canonical padded standard base64; nil for anything else.
    public static func decode(_ text: String) -> [UInt8]? {
        var output: [UInt8] = []
        output.reserveCapacity(text.utf8.count * 3 / 4)
        return decodePadded(Array(text.utf8), into: &output) ? output : nil
    }

    /// base64url without padding (RFC 4648 §5), as API tokens use it.
    public static func encodeURL(_ bytes: [UInt8]) -> String {
        let standard = bytes.withUnsafeBytes { encodeUnpadded($0) }
        return String(
            decoding: standard.map {
                $0 == UInt8(ascii: "+") ? UInt8(ascii: "-") : $0 == UInt8(ascii: "/") ? UInt8(ascii: "_") : $0
            }, as: UTF8.self)
    }
}

extension Base64 {
    /// base64url (RFC 4648 §5), padded or not: nil for anything else (JOSE values, Azure).
    public static func decodeURL(_ text: String) -> [UInt8]? {
        var standard = Array(text.utf8).map {
            $0 == UInt8(ascii: "-") ? UInt8(ascii: "+") : $0 == UInt8(ascii: "_") ? UInt8(ascii: "/") : $0
        }
        while standard.last == UInt8(ascii: "=") { standard.removeLast() }
        return decodeUnpadded(standard)
    }

    /// Standard padded base64 of a secret, itself kept as a secret (the ASCII bytes).
    public static func encode(secret: SecretBytes) -> SecretBytes {
        var encoded = secret.withUnsafeBytes { encodePadded($0) }
        defer { Primitives.zeroize(&encoded) }
        return SecretBytes(copying: encoded)
    }

    /// Decodes canonical padded standard base64 into a secret; nil for anything else. The
    /// intermediate buffer is zeroed.
    public static func decodeSecret(_ text: UnsafeRawBufferPointer) -> SecretBytes? {
        var output: [UInt8] = []
        output.reserveCapacity(text.count * 3 / 4)
        defer { Primitives.zeroize(&output) }
        guard decodePadded(Array(text), into: &output) else { return nil }
        return SecretBytes(copying: output)
    }
}
