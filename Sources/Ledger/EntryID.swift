import ActorKeys

/// EntryID names a ledger entry: a ULID (48-bit millisecond time, 80 random bits, 26 characters
/// of Crockford base32), so ids sort by creation time. It is also the record's encryption
/// context.
public struct EntryID: Sendable, Hashable, Comparable, CustomStringConvertible, Codable {
    static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ".utf8)
    public static let length = 26

    public let rawValue: String

    /// Accepts a ULID in either case (stored uppercase).
    public init(_ text: String) throws(LedgerError) {
        let upper = text.uppercased()
        guard upper.utf8.count == Self.length, upper.utf8.allSatisfy({ Self.alphabet.contains($0) }),
              let first = upper.utf8.first, first <= UInt8(ascii: "7")
        else { throw LedgerError(.invalidArgument, "invalid entry id \"\(text.prefix(40))\": an entry id is a 26-character ULID") }
        rawValue = upper
    }

    /// A new id for the current time.
    public static func generate(at time: Timestamp = .now()) -> EntryID {
        var value = UInt128(UInt64(time.millisecondsSinceEpoch) & 0xFFFF_FFFF_FFFF) << 80
        let random = SecretBytes.random(count: 10).withUnsafeBytes { Array($0) }
        for (index, byte) in random.enumerated() { value |= UInt128(byte) << UInt128(72 - 8 * index) }
        var characters = [UInt8](repeating: 0, count: length)
        for index in (0..<length).reversed() {
            characters[index] = alphabet[Int(value & 31)]
            value >>= 5
        }
        return EntryID(trusted: String(decoding: characters, as: UTF8.self))
    }

    private init(trusted: String) { rawValue = trusted }

    public var description: String { rawValue }
    public static func < (lhs: EntryID, rhs: EntryID) -> Bool { lhs.rawValue < rhs.rawValue }

    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do { self = try EntryID(text) } catch { throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.message)) }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
