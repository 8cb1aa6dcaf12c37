import ActorKeys

/// `POST /v1/admin/actors/{id}/keys`: opt an actor in; the body is optional.
public struct CreateKeyRequest: JSONRequest {
    public var keyType: String?

    public init() {}

    public static let schema = RequestSchema<Self>(
        "CreateKeyRequest", "The type of the actor's first key (the body may be absent).",
        [
            .init(
                "key_type", \.keyType,
                "x25519, or mlkem768x25519 (post-quantum); default: the shared key's type.",
                as: .oneOf(AgeKeyKind.self))
        ])

    /// The key type asked for; nil for the workspace's.
    public var requestedKeyType: AgeKeyKind? { keyType.flatMap(AgeKeyKind.init(rawValue:)) }
}
