import ActorKeys
import Ledger
import Registry

/// One version of an owner's key: public facts only.
public struct KeyVersionReport: JSONReport {
    public let actor: String?
    public let version: Int
    public let name: String
    public let fingerprint: String
    public let recipient: String
    public let keyType: String
    public let state: String
    public let createdAt: String
    public let sealed: Bool

    public init(_ version: KeyVersion) {
        actor = version.owner.actor?.rawValue
        self.version = version.version
        name = version.name.rawValue
        fingerprint = version.fingerprint.hex
        recipient = version.recipient.encoded
        keyType = version.recipient.kind.rawValue
        state = version.state.rawValue
        createdAt = version.createdAt.rfc3339
        sealed = version.sealed != nil
    }

    public static let schema = ReportSchema<Self>(
        "KeyVersion", "One version of an owner's key.",
        [
            .init("actor", \.actor, "The actor; null for the shared key.", as: .nullable(.slug)),
            .init("version", \.version, "The version number, from 1.", as: .integer(minimum: 1, maximum: nil)),
            .init("name", \.name, "The version's name.", as: .slug),
            .init(
                "fingerprint", \.fingerprint, "First 16 hex characters of SHA-256 of the recipient.", as: .fingerprint),
            .init("recipient", \.recipient, "The age recipient (age1…, or age1pq1… for a post-quantum key)."),
            .init(
                "key_type", \.keyType, "x25519, or mlkem768x25519 (post-quantum, age 1.3's hybrid recipients).",
                as: .oneOf(AgeKeyKind.self)),
            .init("state", \.state, "Where the version is in its life.", as: .oneOf(KeyState.self)),
            .init("created_at", \.createdAt, "When it was made.", as: .dateTime),
            .init(
                "sealed", \.sealed,
                "Whether its identity is in the database, sealed under the workspace sealing key (false once destroyed)."
            ),
        ])
}

/// An actor, its key policy and permissions, and every version of its key.
public struct ActorReport: JSONReport {
    public let id: String
    public let keyPolicy: String
    public let isAdmin: Bool
    public let canRotateEncryptionKey: Bool
    public let canShred: Bool
    public let isInfraAdmin: Bool
    public let createdAt: String
    public let shreddedAt: String?
    public let keys: [KeyVersionReport]

    public init(_ actor: Actor, keys: [KeyVersion]) {
        id = actor.id.rawValue
        keyPolicy = actor.keyPolicy.rawValue
        isAdmin = actor.permissions.isAdmin
        canRotateEncryptionKey = actor.permissions.canRotateEncryptionKey
        canShred = actor.permissions.canShred
        isInfraAdmin = actor.permissions.isInfraAdmin
        createdAt = actor.createdAt.rfc3339
        shreddedAt = actor.shreddedAt?.rfc3339
        self.keys = keys.map(KeyVersionReport.init)
    }

    public init(_ enrolled: EnrolledActor) { self.init(enrolled.actor, keys: enrolled.versions) }

    public static let schema = ReportSchema<Self>(
        "Actor", "An actor with its permissions and key versions.",
        [
            .init("id", \.id, "The actor id.", as: .slug),
            .init(
                "key_policy", \.keyPolicy, "auto: its own key from enrolment; opt-in: the shared key until it opts in.",
                as: .oneOf(KeyPolicy.self)),
            .init("is_admin", \.isAdmin, "May administer actors and keys."),
            .init(
                "can_rotate_encryption_key", \.canRotateEncryptionKey,
                "May rotate, retire and re-encrypt (with is_admin)."),
            .init("can_shred", \.canShred, "May shred actors (with is_admin)."),
            .init(
                "is_infra_admin", \.isInfraAdmin,
                "May configure the root key provider; orthogonal to is_admin, and allows nothing else."),
            .init("created_at", \.createdAt, "When it was enrolled.", as: .dateTime),
            .init(
                "shredded_at", \.shreddedAt, "When its keys were erased; null while it has them.",
                as: .nullable(.dateTime)),
            .init("keys", \.keys, "Every version of its key, newest first."),
        ])
}

/// Every actor.
public struct ActorListReport: JSONReport {
    public let actors: [ActorReport]

    public init(_ actors: [EnrolledActor]) { self.actors = actors.map(ActorReport.init) }

    public static let schema = ReportSchema<Self>(
        "ActorList", "Every actor, in id order.",
        [
            .init("actors", \.actors, "The actors.")
        ])
}

/// Who a bearer token belongs to (`GET /v1/me`): what the console shows and guards on.
public struct PrincipalReport: JSONReport {
    public let actorID: String
    public let isAdmin: Bool
    public let canRotateEncryptionKey: Bool
    public let canShred: Bool
    public let isInfraAdmin: Bool

    public init(_ actor: Actor) {
        actorID = actor.id.rawValue
        isAdmin = actor.permissions.isAdmin
        canRotateEncryptionKey = actor.permissions.canRotateEncryptionKey
        canShred = actor.permissions.canShred
        isInfraAdmin = actor.permissions.isInfraAdmin
    }

    public static let schema = ReportSchema<Self>(
        "Principal", "The actor a token belongs to, and its permissions.",
        [
            .init("actor_id", \.actorID, "The actor.", as: .slug),
            .init("is_admin", \.isAdmin, "May administer actors and keys."),
            .init("can_rotate_encryption_key", \.canRotateEncryptionKey, "May rotate (with is_admin)."),
            .init("can_shred", \.canShred, "May shred (with is_admin)."),
            .init("is_infra_admin", \.isInfraAdmin, "May configure the root key provider."),
        ])
}
