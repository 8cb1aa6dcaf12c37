import ActorKeys
import FoundationEssentials
import Ledger
import Registry

// The JSON shapes of what the CLI (--json) and the HTTP API return: snake_case keys, public
// facts only, one definition for both.

public struct SummaryReport: Encodable {
    public let done: Int
    public let failed: Int
    public let skipped: Int
    public let total: Int?
    public let interrupted: Bool
    public let failures: [String]

    public init(_ summary: OperationSummary) {
        done = summary.done
        failed = summary.failed
        skipped = summary.skipped
        total = summary.total
        interrupted = summary.interrupted
        failures = summary.failures
    }
}

public struct KeyVersionReport: Encodable {
    public let actor: String?
    public let version: Int
    public let name: String
    public let fingerprint: String
    public let recipient: String
    public let state: String
    public let createdAt: String

    public init(_ version: KeyVersion) {
        actor = version.owner.actor?.rawValue
        self.version = version.version
        name = version.name.rawValue
        fingerprint = version.fingerprint.hex
        recipient = version.recipient.encoded
        state = version.state.rawValue
        createdAt = version.createdAt.rfc3339
    }

    enum CodingKeys: String, CodingKey {
        case actor, version, name, fingerprint, recipient, state
        case createdAt = "created_at"
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(actor, forKey: .actor)
        try container.encode(version, forKey: .version)
        try container.encode(name, forKey: .name)
        try container.encode(fingerprint, forKey: .fingerprint)
        try container.encode(recipient, forKey: .recipient)
        try container.encode(state, forKey: .state)
        try container.encode(createdAt, forKey: .createdAt)
    }
}

public struct ActorReport: Encodable {
    public let id: String
    public let keyPolicy: String
    public let isAdmin: Bool
    public let canRotateEncryptionKey: Bool
    public let canShred: Bool
    public let createdAt: String
    public let shreddedAt: String?
    public let keys: [KeyVersionReport]

    public init(_ actor: Actor, keys: [KeyVersion]) {
        id = actor.id.rawValue
        keyPolicy = actor.keyPolicy.rawValue
        isAdmin = actor.permissions.isAdmin
        canRotateEncryptionKey = actor.permissions.canRotateEncryptionKey
        canShred = actor.permissions.canShred
        createdAt = actor.createdAt.rfc3339
        shreddedAt = actor.shreddedAt?.rfc3339
        self.keys = keys.map(KeyVersionReport.init)
    }

    enum CodingKeys: String, CodingKey {
        case id, keys
        case keyPolicy = "key_policy", isAdmin = "is_admin", canRotateEncryptionKey = "can_rotate_encryption_key"
        case canShred = "can_shred", createdAt = "created_at", shreddedAt = "shredded_at"
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(keyPolicy, forKey: .keyPolicy)
        try container.encode(isAdmin, forKey: .isAdmin)
        try container.encode(canRotateEncryptionKey, forKey: .canRotateEncryptionKey)
        try container.encode(canShred, forKey: .canShred)
        try container.encode(createdAt, forKey: .createdAt)
        try container.encode(shreddedAt, forKey: .shreddedAt)
        try container.encode(keys, forKey: .keys)
    }
}

public struct EntryReport: Encodable {
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
        case .plaintext: protection = "plaintext"; promptEncryptionActorID = entry.actor.rawValue
        case .shared: protection = "shared"; promptEncryptionActorID = nil
        case .actor(let id): protection = "actor"; promptEncryptionActorID = id.rawValue
        }
        dataKeyID = entry.dataKey?.hex
        if let bytes, entry.format == .text, let text = String(validating: bytes, as: UTF8.self) {
            payload = text
            payloadBase64 = nil
        } else {
            payload = nil
            payloadBase64 = bytes.map { Data($0).base64EncodedString() }
        }
    }

    enum CodingKeys: String, CodingKey {
        case id, seq, kind, protection, payload
        case actorID = "actor_id", createdAt = "created_at", promptEncryptionActorID = "prompt_encryption_actor_id"
        case dataKeyID = "data_key_id", payloadBase64 = "payload_base64"
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(seq, forKey: .seq)
        try container.encode(actorID, forKey: .actorID)
        try container.encode(kind, forKey: .kind)
        try container.encode(createdAt, forKey: .createdAt)
        try container.encode(protection, forKey: .protection)
        try container.encode(promptEncryptionActorID, forKey: .promptEncryptionActorID)
        try container.encode(dataKeyID, forKey: .dataKeyID)
        try container.encodeIfPresent(payload, forKey: .payload)
        try container.encodeIfPresent(payloadBase64, forKey: .payloadBase64)
    }
}

/// The JSON body of a rotation: what changed, where the files are, and what to do next.
public struct RotationReport: Encodable {
    public let actor: String?
    public let fingerprint: String
    public let previousFingerprint: String
    public let recipient: String
    public let version: Int
    public let name: String
    public let identityPath: String
    public let recipientPath: String
    public let nextStep: String

    public init(_ rotation: Rotation) {
        actor = rotation.owner.actor?.rawValue
        fingerprint = rotation.version.fingerprint.hex
        previousFingerprint = rotation.previous.fingerprint.hex
        recipient = rotation.version.recipient.encoded
        version = rotation.version.version
        name = rotation.version.name.rawValue
        identityPath = rotation.files.identityPath
        recipientPath = rotation.files.recipientPath
        nextStep = rotation.nextStep
    }

    enum CodingKeys: String, CodingKey {
        case actor, fingerprint, recipient, version, name
        case previousFingerprint = "previous_fingerprint", identityPath = "identity_path"
        case recipientPath = "recipient_path", nextStep = "next_step"
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(actor, forKey: .actor)
        try container.encode(fingerprint, forKey: .fingerprint)
        try container.encode(previousFingerprint, forKey: .previousFingerprint)
        try container.encode(recipient, forKey: .recipient)
        try container.encode(version, forKey: .version)
        try container.encode(name, forKey: .name)
        try container.encode(identityPath, forKey: .identityPath)
        try container.encode(recipientPath, forKey: .recipientPath)
        try container.encode(nextStep, forKey: .nextStep)
    }
}

public struct StatusReport: Encodable {
    public struct OwnerReport: Encodable {
        public let actor: String?
        public let shredded: Bool
        public let versions: [KeyVersionReport]
        public let dataKeys: [String: Int]
        public let rows: Int
        public let rowsUnderActiveVersion: Int
        public let rowsOnOlderVersionsOnly: Int
        public let rowsUnreadable: Int

        enum CodingKeys: String, CodingKey {
            case actor, shredded, versions, rows
            case dataKeys = "data_keys", rowsUnderActiveVersion = "rows_under_active_version"
            case rowsOnOlderVersionsOnly = "rows_on_older_versions_only", rowsUnreadable = "rows_unreadable"
        }

        public func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(actor, forKey: .actor)
            try container.encode(shredded, forKey: .shredded)
            try container.encode(versions, forKey: .versions)
            try container.encode(dataKeys, forKey: .dataKeys)
            try container.encode(rows, forKey: .rows)
            try container.encode(rowsUnderActiveVersion, forKey: .rowsUnderActiveVersion)
            try container.encode(rowsOnOlderVersionsOnly, forKey: .rowsOnOlderVersionsOnly)
            try container.encode(rowsUnreadable, forKey: .rowsUnreadable)
        }
    }

    public let owners: [OwnerReport]
    public let plaintextRows: Int
    public let sharedRowsAwaitingMigration: Int

    public init(_ status: WorkspaceStatus) {
        owners = status.owners.map { owner in
            OwnerReport(
                actor: owner.owner.actor?.rawValue, shredded: owner.shredded, versions: owner.versions.map(KeyVersionReport.init),
                dataKeys: Dictionary(uniqueKeysWithValues: owner.dataKeys.map { ($0.key.rawValue, $0.value) }),
                rows: owner.rows, rowsUnderActiveVersion: owner.rowsUnderActiveVersion,
                rowsOnOlderVersionsOnly: owner.rowsOnOlderVersionsOnly, rowsUnreadable: owner.rowsUnreadable)
        }
        plaintextRows = status.plaintextRows
        sharedRowsAwaitingMigration = status.sharedRowsAwaitingMigration
    }

    enum CodingKeys: String, CodingKey {
        case owners
        case plaintextRows = "plaintext_rows", sharedRowsAwaitingMigration = "shared_rows_awaiting_migration"
    }
}
