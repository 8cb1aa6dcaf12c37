import Ledger

/// `PATCH /v1/admin/actors/{id}`: change an actor's permissions; absent fields stay as they are.
public struct PatchActorRequest: JSONRequest {
    public var isAdmin: Bool?
    public var isInfraAdmin: Bool?
    public var canRotateEncryptionKey: Bool?
    public var canShred: Bool?

    public init() {}

    public static let schema = RequestSchema<Self>(
        "PatchActorRequest", "The permissions to change; the others stay.",
        [
            .init("is_admin", \.isAdmin, "May administer actors and keys."),
            .init(
                "is_infra_admin", \.isInfraAdmin,
                "May configure the root key provider. Changing it needs is_infra_admin as well as is_admin."),
            .init("can_rotate_encryption_key", \.canRotateEncryptionKey, "May rotate, retire and re-encrypt."),
            .init("can_shred", \.canShred, "May shred actors."),
        ], rules: [.notEmpty])

    public var change: PermissionChange {
        PermissionChange(
            isAdmin: isAdmin, isInfraAdmin: isInfraAdmin, canRotateEncryptionKey: canRotateEncryptionKey,
            canShred: canShred)
    }
}
