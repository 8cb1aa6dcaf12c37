import ActorKeys

/// KeyPolicy says when an actor gets its own key.
public enum KeyPolicy: String, Sendable, Hashable, Codable, CaseIterable {
    /// A key is made at enrollment; the actor's rows are sealed under it from the start.
    case auto
    /// No key until the actor opts in (`key create`); until then its rows use the shared key.
    case optIn = "opt-in"
}

/// Permissions are per actor and default to deny. `isInfraAdmin` is orthogonal to `isAdmin`:
/// it alone allows the root key provider's configuration, and allows nothing else.
public struct Permissions: Sendable, Hashable, Codable {
    public var isAdmin: Bool
    public var canRotateEncryptionKey: Bool
    public var canShred: Bool
    public var isInfraAdmin: Bool

    public init(
        isAdmin: Bool = false, canRotateEncryptionKey: Bool = false, canShred: Bool = false, isInfraAdmin: Bool = false
    ) {
        self.isAdmin = isAdmin
        self.canRotateEncryptionKey = canRotateEncryptionKey
        self.canShred = canShred
        self.isInfraAdmin = isInfraAdmin
    }

    public static let none = Permissions()
    public static let all = Permissions(isAdmin: true, canRotateEncryptionKey: true, canShred: true, isInfraAdmin: true)

    /// Whether any permission is granted at all.
    public var isEmpty: Bool { !isAdmin && !canRotateEncryptionKey && !canShred && !isInfraAdmin }
}

/// Actor is anyone or anything that writes to the ledger.
public struct Actor: Sendable, Hashable {
    public let id: ActorID
    public let keyPolicy: KeyPolicy
    public let permissions: Permissions
    public let createdAt: Timestamp
    /// Set once the actor's keys were erased.
    public let shreddedAt: Timestamp?

    public init(
        id: ActorID, keyPolicy: KeyPolicy, permissions: Permissions, createdAt: Timestamp, shreddedAt: Timestamp?
    ) {
        self.id = id
        self.keyPolicy = keyPolicy
        self.permissions = permissions
        self.createdAt = createdAt
        self.shreddedAt = shreddedAt
    }

    public var isShredded: Bool { shreddedAt != nil }
}
