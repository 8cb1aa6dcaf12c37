import ActorKeys
import Admin
import FoundationEssentials
import Ledger
import Registry

// The JSON shapes of the CLI's reports (--json): snake_case keys, public facts only.

struct SummaryReport: Encodable {
    let done: Int
    let failed: Int
    let skipped: Int
    let total: Int?
    let interrupted: Bool
    let failures: [String]

    init(_ summary: OperationSummary) {
        done = summary.done
        failed = summary.failed
        skipped = summary.skipped
        total = summary.total
        interrupted = summary.interrupted
        failures = summary.failures
    }
}

struct KeyVersionReport: Encodable {
    let actor: String?
    let version: Int
    let name: String
    let fingerprint: String
    let recipient: String
    let state: String
    let createdAt: String

    init(_ version: KeyVersion) {
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

    func encode(to encoder: Encoder) throws {
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

struct ActorReport: Encodable {
    let id: String
    let keyPolicy: String
    let isAdmin: Bool
    let canRotateEncryptionKey: Bool
    let canShred: Bool
    let createdAt: String
    let shreddedAt: String?
    let keys: [KeyVersionReport]

    init(_ actor: Actor, keys: [KeyVersion]) {
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

    func encode(to encoder: Encoder) throws {
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

struct EntryReport: Encodable {
    let id: String
    let seq: Int64
    let actorID: String
    let kind: String
    let createdAt: String
    let protection: String
    let promptEncryptionActorID: String?
    let dataKeyID: String?
    let payload: String?
    let payloadBase64: String?

    init(_ entry: LedgerEntry, payload bytes: [UInt8]?) {
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

    func encode(to encoder: Encoder) throws {
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

extension Owner {
    /// `--actor ID` or the shared key, for the commands where no `--actor` means shared.
    static func from(actor: String?) throws(CLIError) -> Owner {
        guard let actor else { return .shared }
        return .actor(try ActorID.parse(actor))
    }
}

extension ActorID {
    static func parse(_ text: String) throws(CLIError) -> ActorID {
        do { return try ActorID(text) } catch { throw CLIError(error) }
    }
}
