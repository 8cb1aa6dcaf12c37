import ActorKeys

/// `POST /v1/admin/encryption/rotate-key`: rotate an actor's key, or the shared key.
public struct RotateKeyRequest: JSONRequest {
    public var actorID: String?
    public var name: String?
    public var force: Bool?

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
        ])
}
