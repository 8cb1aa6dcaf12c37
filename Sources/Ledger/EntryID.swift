import ActorKeys

/// EntryID names a ledger entry: a ULID (48-bit millisecond time, 80 random bits, 26 characters
/// of Crockford base32), so ids sort by creation time. It is also the record's encryption
/// context.
public struct EntryID: Sendable, Hashable, Comparable, CustomStringConvertible, Codable {
    static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ".utf8)
    public static let length = 26
    static let randomLength = 10

    /// Per ASCII byte: 1 for an uppercase Crockford digit, 2 for a lowercase one, 0 otherwise.
    private static let digitClass: [UInt8] = (0..<128).map { byte in
        if alphabet.contains(UInt8(byte)) { return 1 }
        if byte >= 0x61, alphabet.contains(UInt8(byte) - 0x20) { return 2 }
        return 0
    }

    public let rawValue: String

    /// Accepts a ULID in either case (stored uppercase).
    public init(_ text: String) throws(LedgerError) {
        var text = text
        switch text.withUTF8({ Self.classify(UnsafeRawBufferPointer($0)) }) {
        case .invalid:
            throw LedgerError(
                .invalidArgument, "invalid entry id \"\(text.prefix(40))\": an entry id is a 26-character ULID")
        case .uppercase: rawValue = text
        case .mixedCase: rawValue = text.uppercased()
        }
    }

    /// Reads an id stored by the ledger (uppercase), in place.
    init(stored utf8: UnsafeRawBufferPointer) throws(LedgerError) {
        guard Self.classify(utf8) == .uppercase else { throw LedgerError(.corrupt, "stored entry id is invalid") }
        rawValue = String(decoding: utf8, as: UTF8.self)
    }

    private enum Form { case invalid, uppercase, mixedCase }

    private static func classify(_ utf8: UnsafeRawBufferPointer) -> Form {
        guard utf8.count == length, utf8[0] <= UInt8(ascii: "7") else { return .invalid }
        var lowercase = false
        for byte in utf8 {
            guard byte < 128 else { return .invalid }
            switch digitClass[Int(byte)] {
            case 1: continue
            case 2: lowercase = true
            default: return .invalid
            }
        }
        return lowercase ? .mixedCase : .uppercase
    }

    /// A new id for the current time.
    public static func generate(at time: Timestamp = .now()) -> EntryID {
        generate(count: 1, at: time)[0]
    }

    /// `count` new ids for the same time, from one draw of random bytes.
    public static func generate(count: Int, at time: Timestamp = .now()) -> [EntryID] {
        let milliseconds = UInt128(UInt64(time.millisecondsSinceEpoch) & 0xFFFF_FFFF_FFFF) << 80
        return SecretBytes.random(count: count * randomLength).withUnsafeBytes { random in
            (0..<count).map { index in
                var value = milliseconds
                for offset in 0..<randomLength {
                    value |= UInt128(random[index * randomLength + offset]) << UInt128(72 - 8 * offset)
                }
                return EntryID(trusted: encode(value))
            }
        }
    }

    private static func encode(_ value: UInt128) -> String {
        var value = value
        return String(unsafeUninitializedCapacity: length) { characters in
            for index in (0..<length).reversed() {
                characters[index] = alphabet[Int(value & 31)]
                value >>= 5
            }
            return length
        }
    }

    private init(trusted: String) { rawValue = trusted }

    public var description: String { rawValue }
    public static func < (lhs: EntryID, rhs: EntryID) -> Bool { lhs.rawValue < rhs.rawValue }

    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do { self = try EntryID(text) } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.message))
        }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
