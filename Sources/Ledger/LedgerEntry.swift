import ActorKeys
import Envelope

/// Protection is how an entry's payload is stored.
public enum Protection: Sendable, Hashable, CustomStringConvertible {
    /// As written, unencrypted.
    case plaintext
    /// Sealed under the shared workspace key (`prompt_encryption_actor_id` NULL).
    case shared
    /// Sealed under this actor's own key.
    case actor(ActorID)

    /// The key owner that seals it, nil for plaintext.
    public var owner: Owner? {
        switch self {
        case .plaintext: nil
        case .shared: .shared
        case .actor(let id): .actor(id)
        }
    }

    public var description: String {
        switch self {
        case .plaintext: "plaintext"
        case .shared: "shared key"
        case .actor(let id): "key of \(id)"
        }
    }
}

/// PayloadFormat remembers whether a payload was given as text, so it comes back the same way.
public enum PayloadFormat: String, Sendable, Hashable, Codable {
    case text
    case binary
}

/// LedgerEntry is an entry's metadata: everything but the payload.
public struct LedgerEntry: Sendable, Hashable {
    public let id: EntryID
    public let sequence: Int64
    public let actor: ActorID
    public let kind: String
    public let createdAt: Timestamp
    public let protection: Protection
    public let dataKey: DataKeyID?
    public let format: PayloadFormat
    /// Stored length: the plaintext, or the record (plaintext + 57 bytes).
    public let storedLength: Int

    public init(
        id: EntryID, sequence: Int64, actor: ActorID, kind: String, createdAt: Timestamp, protection: Protection,
        dataKey: DataKeyID?, format: PayloadFormat, storedLength: Int
    ) {
        self.id = id
        self.sequence = sequence
        self.actor = actor
        self.kind = kind
        self.createdAt = createdAt
        self.protection = protection
        self.dataKey = dataKey
        self.format = format
        self.storedLength = storedLength
    }
}

/// NewEntry is an append request.
public struct NewEntry: Sendable {
    public let actor: ActorID
    public let kind: String
    public let payload: [UInt8]
    public let format: PayloadFormat
    public let encrypt: Bool

    /// Kinds are 1 to 64 characters of letters, digits, '.', '_', '-' and '/'.
    public init(
        actor: ActorID, kind: String, payload: [UInt8], format: PayloadFormat = .text, encrypt: Bool = true
    ) throws(LedgerError) {
        guard !kind.isEmpty, kind.utf8.count <= 64,
            kind.utf8.allSatisfy({
                ($0 >= 0x30 && $0 <= 0x39) || ($0 | 0x20 >= 0x61 && $0 | 0x20 <= 0x7A) || "._-/".utf8.contains($0)
            })
        else {
            throw LedgerError(
                .invalidArgument,
                "invalid kind \"\(kind.prefix(64))\": a kind is 1 to 64 characters of letters, digits, '.', '_', '-' and '/'"
            )
        }
        guard payload.count <= NewEntry.maxPayload else {
            throw LedgerError(
                .invalidArgument, "payload of \(payload.count) bytes is larger than the limit of \(NewEntry.maxPayload)"
            )
        }
        if format == .text, payload.contains(0) || String(validating: payload, as: UTF8.self) == nil {
            throw LedgerError(.invalidArgument, "a text payload must be UTF-8 without NUL bytes")
        }
        self.actor = actor
        self.kind = kind
        self.payload = payload
        self.format = format
        self.encrypt = encrypt
    }

    /// 16 MiB: a ledger holds prompts and agent actions, not files.
    public static let maxPayload = 16 * 1024 * 1024
}

/// ReadEntry is an entry with its payload in the clear.
public struct ReadEntry: Sendable {
    public let entry: LedgerEntry
    public let payload: [UInt8]
}
