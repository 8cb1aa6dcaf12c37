import ActorKeys
import Envelope
import Ledger
import Registry

/// A ledger entry: its metadata, how it is protected, and (when read) its payload in the clear,
/// as text when it is UTF-8 text and as base64 otherwise.
public struct EntryReport: JSONReport {
    public let id: String
    public let seq: Int64
    public let actorID: String
    public let kind: String
    public let createdAt: String
    public let protection: String
    public let promptEncryptionActorID: String?
    public let dataKeyID: String?
    public let payload: String?
    public let payloadBase64: String?

    public init(_ entry: LedgerEntry, payload bytes: [UInt8]?) {
        id = entry.id.rawValue
        seq = entry.sequence
        actorID = entry.actor.rawValue
        kind = entry.kind
        createdAt = entry.createdAt.rfc3339Milliseconds
        switch entry.protection {
        case .plaintext:
            protection = "plaintext"
            promptEncryptionActorID = entry.actor.rawValue
        case .shared:
            protection = "shared"
            promptEncryptionActorID = nil
        case .actor(let id):
            protection = "actor"
            promptEncryptionActorID = id.rawValue
        }
        dataKeyID = entry.dataKey?.hex
        if let bytes, entry.format == .text, let text = String(validating: bytes, as: UTF8.self) {
            payload = text
            payloadBase64 = nil
        } else {
            payload = nil
            payloadBase64 = bytes.map(Base64.encode)
        }
    }

    public static let schema = ReportSchema<Self>(
        "Entry", "A ledger entry; its payload only when it was read.",
        [
            .init("id", \.id, "The entry id (a ULID).", as: .entryID),
            .init("seq", \.seq, "Its position in the ledger.", as: .integer(minimum: 1, maximum: nil)),
            .init("actor_id", \.actorID, "The actor that wrote it.", as: .slug),
            .init("kind", \.kind, "What the entry is.", as: .entryKind),
            .init("created_at", \.createdAt, "When it was written.", as: .dateTime),
            .init(
                "protection", \.protection, "plaintext, under the shared key, or under its writer's own key.",
                as: .oneOf(["plaintext", "shared", "actor"])),
            .init(
                "prompt_encryption_actor_id", \.promptEncryptionActorID,
                "Whose key protects it: the writer's id, or null for the shared key (the writer's id for plaintext rows).",
                as: .nullable(.slug)),
            .init(
                "data_key_id", \.dataKeyID, "The data key that sealed it; null for plaintext.",
                as: .nullable(.string(StringRules(pattern: "^[0-9a-f]{32}$")))),
            .init("payload", omittedWhenNil: \.payload, "The payload, when it is UTF-8 text."),
            .init(
                "payload_base64", omittedWhenNil: \.payloadBase64, "The payload in base64, when it is bytes.",
                as: .base64),
        ])
}

/// A page of entries; `next_after` is the `after` of the next page, null at the end.
public struct EntryPageReport: JSONReport {
    public let entries: [EntryReport]
    public let nextAfter: Int64?

    public init(entries: [LedgerEntry], limit: Int) {
        self.entries = entries.map { EntryReport($0, payload: nil) }
        nextAfter = entries.count == limit ? entries.last?.sequence : nil
    }

    public static let schema = ReportSchema<Self>(
        "EntryPage", "A page of entries, without payloads.",
        [
            .init("entries", \.entries, "The entries, oldest first."),
            .init("next_after", \.nextAfter, "The after of the next page; null at the end.", as: .nullable(.count)),
        ])
}

/// How many entries an import appended.
public struct ImportReport: JSONReport {
    public let appended: Int

    public init(appended: Int) { self.appended = appended }

    public static let schema = ReportSchema<Self>(
        "Import", "What an import appended.",
        [
            .init("appended", \.appended, "Entries appended.", as: .count)
        ])
}

extension JSONType {
    public static let entryID = JSONType.string(StringRules(pattern: "^[0-7][0-9A-HJKMNP-TV-Z]{25}$"))
    public static let entryKind = JSONType.string(StringRules(pattern: "^[A-Za-z0-9._/-]{1,64}$"))
    /// Canonical padded base64 (RFC 4648 §4), as `Base64.decode` accepts it: whole groups of four,
    /// and zero bits after the last byte.
    public static let base64 = JSONType.string(
        StringRules(
            pattern: "^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/][AQgw]==|[A-Za-z0-9+/]{2}[AEIMQUYcgkosw048]=)?$",
            contentEncoding: "base64"))
}
