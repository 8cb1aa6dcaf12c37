/// `POST /v1/admin/encryption/rewrap`: re-wrap data keys to the active key version.
public struct RewrapRequest: JSONRequest {
    public var actorID: String?
    public var all: Bool?

    public init() {}

    public static let schema = RequestSchema<Self>(
        "RewrapRequest",
        "Whose data keys to re-wrap: one actor's, the shared key's (neither field), or everyone's (all).",
        [
            .init("actor_id", \.actorID, "The actor; absent for the shared key. Excludes all.", as: .slug),
            .init("all", \.all, "Every owner. Excludes actor_id. Default false."),
        ], rules: [.atMostOne(["actor_id", "all"])])
}
