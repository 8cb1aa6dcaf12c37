import ActorKeys

/// `POST /v1/admin/encryption/rotate-key`: rotate an actor's key, or the shared key.
public struct RotateKeyRequest: JSONRequest {
    public var actorID: String?
    public var name: String?
    public var force: Bool?
    public var keyType: String?

    public init() {}

    public static let schema = RequestSchema<Self>(
        "RotateKeyRequest", "Whose key to rotate, and the new version's name.",
        [
            .init("actor_id", \.actorID, "The actor; absent for the shared key.", as: .slug),
            .init(
                "name", \.name, "The new version's name (default: the next vN); primary is reserved.",
                as: .slug(excluding: [KeyName.primary.rawValue])),
            .init(
                "force", \.force,
                "Accepted for compatibility: identities are sealed rows, so there is no file to replace and a name that is a version is always a conflict."
            ),
            .init(
                "key_type", \.keyType,
                "The new version's type: x25519, or mlkem768x25519 (post-quantum); default: the current version's.",
                as: .oneOf(AgeKeyKind.self)),
        ])

    /// The key type asked for; nil to keep the current version's.
    public var requestedKeyType: AgeKeyKind? { keyType.flatMap(AgeKeyKind.init(rawValue:)) }
}
