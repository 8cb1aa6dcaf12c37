import ActorKeys
import Ledger
import Registry

/// A key written as files on its own (`admin generate-encryption-key`): where they are.
public struct KeyFilesReport: JSONReport {
    public let actor: String?
    public let name: String
    public let fingerprint: String
    public let recipient: String
    public let identityPath: String
    public let recipientPath: String

    public init(_ files: GeneratedKey) {
        actor = files.owner.actor?.rawValue
        name = files.name.rawValue
        fingerprint = files.fingerprint.hex
        recipient = files.recipient.encoded
        identityPath = files.identityPath
        recipientPath = files.recipientPath
    }

    public static let schema = ReportSchema<Self>(
        "KeyFiles", "A key written as files, and where they are.",
        [
            .init("actor", \.actor, "The actor; null for the shared key.", as: .nullable(.slug)),
            .init("name", \.name, "The key's name.", as: .slug),
            .init(
                "fingerprint", \.fingerprint, "First 16 hex characters of SHA-256 of the recipient.", as: .fingerprint),
            .init("recipient", \.recipient, "The age recipient (age1…, or age1pq1…)."),
            .init("identity_path", \.identityPath, "The identity file (mode 0600)."),
            .init("recipient_path", \.recipientPath, "The recipient file beside it."),
        ])
}

/// A rotation: what changed and what to do next. The new identity is sealed in the database.
public struct RotationReport: JSONReport {
    public let actor: String?
    public let fingerprint: String
    public let previousFingerprint: String
    public let recipient: String
    public let keyType: String
    public let previousKeyType: String
    public let version: Int
    public let name: String
    public let sealingKey: Int64?
    public let nextStep: String

    public init(_ rotation: Rotation) {
        actor = rotation.owner.actor?.rawValue
        fingerprint = rotation.version.fingerprint.hex
        previousFingerprint = rotation.previous.fingerprint.hex
        recipient = rotation.version.recipient.encoded
        keyType = rotation.version.recipient.kind.rawValue
        previousKeyType = rotation.previous.recipient.kind.rawValue
        version = rotation.version.version
        name = rotation.version.name.rawValue
        sealingKey = rotation.version.sealed?.sealingKeyID
        nextStep = rotation.nextStep
    }

    public static let schema = ReportSchema<Self>(
        "Rotation", "A rotation: the new active version and the one it replaced.",
        [
            .init("actor", \.actor, "The actor; null for the shared key.", as: .nullable(.slug)),
            .init("fingerprint", \.fingerprint, "The new active version's fingerprint.", as: .fingerprint),
            .init(
                "previous_fingerprint", \.previousFingerprint, "The previous active version's, now decrypt-only.",
                as: .fingerprint),
            .init("recipient", \.recipient, "The new recipient (age1…, or age1pq1…)."),
            .init("key_type", \.keyType, "The new version's key type.", as: .oneOf(AgeKeyKind.self)),
            .init(
                "previous_key_type", \.previousKeyType, "The previous version's key type.", as: .oneOf(AgeKeyKind.self)),
            .init("version", \.version, "The new version number.", as: .integer(minimum: 1, maximum: nil)),
            .init("name", \.name, "The new key's name.", as: .slug),
            .init(
                "sealing_key", \.sealingKey,
                "The workspace sealing key its identity is sealed under, in the database (no file is written).",
                as: .nullable(.integer(minimum: 1, maximum: nil))),
            .init("next_step", \.nextStep, "What to do next, if anything."),
        ])
}

/// What a shred erased.
public struct ShredReport: JSONReport {
    public let actor: String
    public let fingerprints: [String]
    public let dataKeysErased: Int
    public let rowsUnreadable: Int
    public let rowsUnderSharedKey: Int

    public init(_ shredding: Shredding) {
        actor = shredding.actor.rawValue
        fingerprints = shredding.outcome.versionsDestroyed.map(\.fingerprint.hex)
        dataKeysErased = shredding.outcome.dataKeysErased
        rowsUnreadable = shredding.outcome.rowsUnreadable
        rowsUnderSharedKey = shredding.outcome.rowsUnderSharedKey
    }

    public static let schema = ReportSchema<Self>(
        "Shred", "What a shred erased.",
        [
            .init("actor", \.actor, "The shredded actor.", as: .slug),
            .init("fingerprints", \.fingerprints, "The key versions destroyed.", as: .array(.fingerprint)),
            .init("data_keys_erased", \.dataKeysErased, "Data keys whose wrapped form was erased.", as: .count),
            .init("rows_unreadable", \.rowsUnreadable, "Rows that can never be read again.", as: .count),
            .init(
                "rows_under_shared_key", \.rowsUnderSharedKey,
                "Rows the actor wrote under the shared key: they stay readable.", as: .count),
        ])
}
