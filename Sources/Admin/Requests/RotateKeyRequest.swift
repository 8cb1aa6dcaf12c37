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
            .init("name", \.name, "The new version's name (default: the next vN); primary is reserved.", as: .slug),
            .init("force", \.force, "Replace a key file of that name that is not a key version. Default false."),
        ])
}
