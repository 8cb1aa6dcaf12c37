/// X25519Recipient is the public half of an age X25519 key, encoded `age1…` (Bech32, HRP `age`).
public struct X25519Recipient: Sendable, Hashable, CustomStringConvertible {
    static let hrp = "age"

    /// The 32-byte Curve25519 public key.
    public let publicKey: [UInt8]
    /// The Bech32 encoding, lowercase, as age(1) prints it.
    public let encoded: String

    /// Parses an `age1…` recipient. Uppercase and mixed-case strings are rejected, as age does.
    public init(parsing text: String) throws(ActorKeysError) {
        self.init(
            publicKey: try KeyEncoding.decodeRecipient(
                text, hrp: Self.hrp, length: Sodium.x25519KeyLength, type: "X25519"))
    }

    /// Wraps a 32-byte public key.
    public init(publicKey: [UInt8]) {
        precondition(publicKey.count == Sodium.x25519KeyLength, "an X25519 public key is 32 bytes")
        self.publicKey = publicKey
        self.encoded = KeyEncoding.encodeRecipient(publicKey, hrp: Self.hrp)
    }

    /// The first 16 lowercase hex characters of SHA-256 over the `age1…` string.
    public var fingerprint: Fingerprint { Fingerprint(of: self) }

    public var description: String { encoded }

    public static func == (lhs: X25519Recipient, rhs: X25519Recipient) -> Bool { lhs.publicKey == rhs.publicKey }
    public func hash(into hasher: inout Hasher) { hasher.combine(publicKey) }
}

/// Fingerprint is a short public name for a key: 16 lowercase hex characters, the first 8 bytes
/// of SHA-256 over the recipient string.
public struct Fingerprint: Sendable, Hashable, CustomStringConvertible {
    public let hex: String

    public init(of recipient: X25519Recipient) {
        self.init(ofEncodedRecipient: recipient.encoded)
    }

    /// The fingerprint of a recipient string of any type (`age1…`, `age1pq1…`).
    public init(ofEncodedRecipient encoded: String) {
        var encoded = encoded
        let digest = encoded.withUTF8 { Sodium.sha256(UnsafeRawBufferPointer($0)) }
        hex = Hex.encode(digest.prefix(8))
    }

    /// Accepts exactly 16 lowercase hex characters.
    public init?(hex: String) {
        guard hex.utf8.count == 16, hex.utf8.allSatisfy({ Hex.value(of: $0) != nil && !(0x41...0x46).contains($0) })
        else { return nil }
        self.hex = hex
    }

    public var description: String { hex }
}

/// Hex is lowercase hexadecimal, for public values only.
public enum Hex {
    private static let digits: [UInt8] = Array("0123456789abcdef".utf8)

    public static func encode(_ bytes: some Sequence<UInt8>) -> String {
        var output = [UInt8]()
        for byte in bytes {
            output.append(digits[Int(byte >> 4)])
            output.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Decodes lowercase or uppercase hex; nil for odd lengths or other characters.
    public static func decode(_ text: String) -> [UInt8]? {
        let utf8 = Array(text.utf8)
        guard utf8.count % 2 == 0 else { return nil }
        var output = [UInt8]()
        output.reserveCapacity(utf8.count / 2)
        var index = 0
        while index < utf8.count {
            guard let high = value(of: utf8[index]), let low = value(of: utf8[index + 1]) else { return nil }
            output.append(high << 4 | low)
            index += 2
        }
        return output
    }

    static func value(of character: UInt8) -> UInt8? {
        switch character {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): character - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): character - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): character - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
