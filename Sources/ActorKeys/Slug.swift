/// Slug is the one rule for key names and actor ids: `[a-z0-9][a-z0-9._-]{0,63}`.
///
/// Because a slug cannot contain `/`, cannot start with `.` and is never empty, a key path built
/// from slugs cannot leave the keys folder.
enum Slug {
    static let rule =
        "1 to 64 characters from a-z, 0-9, '.', '_' and '-', starting with a letter or a digit ([a-z0-9][a-z0-9._-]{0,63})"
    static let maxLength = 64

    static func isValid(_ text: String) -> Bool {
        let bytes = text.utf8
        guard let first = bytes.first, bytes.count <= maxLength, isAlphanumeric(first) else { return false }
        return bytes.allSatisfy {
            isAlphanumeric($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-")
        }
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }

    /// A printable rendering of untrusted input for an error message: quoted, control
    /// characters escaped, and cut short.
    static func quoted(_ text: String) -> String {
        let shown = text.count > 80 ? String(text.prefix(80)) + "…" : text
        return "\""
            + shown.unicodeScalars.map {
                $0.isASCII && $0.value >= 0x20 && $0.value < 0x7F ? String($0) : $0.escaped(asASCII: true)
            }.joined() + "\""
    }
}

/// KeyName names one key version of an owner, and the files that hold it.
public struct KeyName: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The live shared identity. It is created once and never replaced, even with `force`.
    public static let primary = KeyName(trusted: "primary")

    public let rawValue: String

    /// Validates `rawValue` against the slug rule.
    public init(_ rawValue: String) throws(ActorKeysError) {
        guard Slug.isValid(rawValue) else {
            throw ActorKeysError(.invalidName, "invalid key name \(Slug.quoted(rawValue)): a name is \(Slug.rule)")
        }
        self.rawValue = rawValue
    }

    private init(trusted rawValue: String) { self.rawValue = rawValue }

    public var description: String { rawValue }
    public static func < (lhs: KeyName, rhs: KeyName) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// ActorID identifies an actor: a person, an agent or a service that writes to the ledger.
public struct ActorID: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let rawValue: String

    /// Validates `rawValue` against the slug rule.
    public init(_ rawValue: String) throws(ActorKeysError) {
        guard Slug.isValid(rawValue) else {
            throw ActorKeysError(
                .invalidActor, "invalid actor id \(Slug.quoted(rawValue)): an actor id is \(Slug.rule)")
        }
        self.rawValue = rawValue
    }

    public var description: String { rawValue }
    public static func < (lhs: ActorID, rhs: ActorID) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// Owner is whoever a key protects data for: one actor, or the shared workspace key.
public enum Owner: Sendable, Hashable, CustomStringConvertible {
    case shared
    case actor(ActorID)

    public var actor: ActorID? {
        if case .actor(let id) = self { return id }
        return nil
    }

    public var description: String {
        switch self {
        case .shared: "shared"
        case .actor(let id): "actor \(id)"
        }
    }
}
