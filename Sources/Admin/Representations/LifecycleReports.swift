import ActorKeys
import Ledger
import Registry

/// A new key version and where its files are.
public struct KeyFilesReport: Encodable {
    public let actor: String?
    public let version: Int
    public let name: String
    public let fingerprint: String
    public let recipient: String
    public let identityPath: String
    public let recipientPath: String

    public init(version: KeyVersion, files: GeneratedKey) {
        actor = version.owner.actor?.rawValue
        self.version = version.version
        name = version.name.rawValue
        fingerprint = version.fingerprint.hex
        recipient = version.recipient.encoded
        identityPath = files.identityPath
        recipientPath = files.recipientPath
    }

    enum CodingKeys: String, CodingKey {
        case actor, version, name, fingerprint, recipient
        case identityPath = "identity_path", recipientPath = "recipient_path"
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(actor, forKey: .actor)
        try container.encode(version, forKey: .version)
        try container.encode(name, forKey: .name)
        try container.encode(fingerprint, forKey: .fingerprint)
        try container.encode(recipient, forKey: .recipient)
        try container.encode(identityPath, forKey: .identityPath)
        try container.encode(recipientPath, forKey: .recipientPath)
    }
}

/// What a shred erased.
public struct ShredReport: Encodable {
    public let actor: String
    public let fingerprints: [String]
    public let dataKeysErased: Int
    public let rowsUnreadable: Int
    public let rowsUnderSharedKey: Int
    public let keysDirectory: String

    public init(_ shredding: Shredding) {
        actor = shredding.actor.rawValue
        fingerprints = shredding.outcome.versionsDestroyed.map(\.fingerprint.hex)
        dataKeysErased = shredding.outcome.dataKeysErased
        rowsUnreadable = shredding.outcome.rowsUnreadable
        rowsUnderSharedKey = shredding.outcome.rowsUnderSharedKey
        keysDirectory = shredding.keysDirectory
    }

    enum CodingKeys: String, CodingKey {
        case actor, fingerprints
        case dataKeysErased = "data_keys_erased", rowsUnreadable = "rows_unreadable"
        case rowsUnderSharedKey = "rows_under_shared_key", keysDirectory = "keys_directory"
    }
}

/// One audit event: who, what, on whom, the outcome, and the chain.
public struct AuditEventReport: Encodable {
    public let seq: Int64
    public let id: String
    public let occurredAt: String
    public let eventType: String
    public let principal: String?
    public let targetActor: String?
    public let outcome: String
    /// The event's details, as the JSON object it was recorded as.
    public let details: [String: String]
    public let previousHash: String
    public let hash: String

    public init(_ record: AuditRecord) {
        seq = record.sequence
        id = record.id
        occurredAt = record.occurredAt.rfc3339Milliseconds
        eventType = record.eventType
        principal = record.principal
        targetActor = record.targetActor
        outcome = record.outcome
        details = (try? JSONDecoding.stringDictionary(record.details)) ?? [:]
        previousHash = record.previousHash
        hash = record.hash
    }

    enum CodingKeys: String, CodingKey {
        case seq, id, principal, outcome, details, hash
        case occurredAt = "occurred_at", eventType = "event_type", targetActor = "target_actor", previousHash = "previous_hash"
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(seq, forKey: .seq)
        try container.encode(id, forKey: .id)
        try container.encode(occurredAt, forKey: .occurredAt)
        try container.encode(eventType, forKey: .eventType)
        try container.encode(principal, forKey: .principal)
        try container.encode(targetActor, forKey: .targetActor)
        try container.encode(outcome, forKey: .outcome)
        try container.encode(details, forKey: .details)
        try container.encode(previousHash, forKey: .previousHash)
        try container.encode(hash, forKey: .hash)
    }
}
