import ActorKeys
import Ledger

/// `POST /v1/admin/actors`: enroll an actor.
public struct EnrollRequest: JSONRequest {
    public var actorID: String?
    public var keys: String?
    public var keyType: String?
    public var isAdmin: Bool?
    public var canRotateEncryptionKey: Bool?
    public var canShred: Bool?
    public var isInfraAdmin: Bool?

    public init() {}

    public static let schema = RequestSchema<Self>(
        "EnrollRequest", "An actor to enroll, with its key policy and permissions.",
        [
            .init("actor_id", \.actorID, "The new actor's id.", as: .slug, required: true),
            .init(
                "keys", \.keys, "auto (default): its own key at once; opt-in: the shared key until key create.",
                as: .oneOf(KeyPolicy.self)),
            .init(
                "key_type", \.keyType,
                "With auto: x25519, or mlkem768x25519 (post-quantum); default: the shared key's type. Not with opt-in.",
                as: .oneOf(AgeKeyKind.self)),
            .init("is_admin", \.isAdmin, "Default false."),
            .init("can_rotate_encryption_key", \.canRotateEncryptionKey, "Default false."),
            .init("can_shred", \.canShred, "Default false."),
            .init(
                "is_infra_admin", \.isInfraAdmin,
                "Default false. Granting it needs is_infra_admin as well as is_admin."),
        ], rules: [.excludes(["key_type"], when: "keys", is: KeyPolicy.optIn.rawValue)])

    public var keyPolicy: KeyPolicy { keys.flatMap(KeyPolicy.init(rawValue:)) ?? .auto }

    /// The key type asked for; nil for the workspace's.
    public var requestedKeyType: AgeKeyKind? { keyType.flatMap(AgeKeyKind.init(rawValue:)) }

    public var permissions: Permissions {
        Permissions(
            isAdmin: isAdmin ?? false, canRotateEncryptionKey: canRotateEncryptionKey ?? false,
            canShred: canShred ?? false, isInfraAdmin: isInfraAdmin ?? false)
    }
}
