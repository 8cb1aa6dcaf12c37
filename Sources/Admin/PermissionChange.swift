import ActorKeys
import Ledger

/// PermissionChange is the permissions to set on an actor; nil leaves one as it is.
public struct PermissionChange: Sendable, Hashable {
    public var isAdmin: Bool?
    public var isInfraAdmin: Bool?
    public var canRotateEncryptionKey: Bool?
    public var canShred: Bool?

    public init(
        isAdmin: Bool? = nil, isInfraAdmin: Bool? = nil, canRotateEncryptionKey: Bool? = nil, canShred: Bool? = nil
    ) {
        self.isAdmin = isAdmin
        self.isInfraAdmin = isInfraAdmin
        self.canRotateEncryptionKey = canRotateEncryptionKey
        self.canShred = canShred
    }

    public var isEmpty: Bool {
        isAdmin == nil && isInfraAdmin == nil && canRotateEncryptionKey == nil && canShred == nil
    }

    func applied(to permissions: Permissions) -> Permissions {
        Permissions(
            isAdmin: isAdmin ?? permissions.isAdmin,
            canRotateEncryptionKey: canRotateEncryptionKey ?? permissions.canRotateEncryptionKey,
            canShred: canShred ?? permissions.canShred, isInfraAdmin: isInfraAdmin ?? permissions.isInfraAdmin)
    }
}

extension KeyAdministration {
    /// Changes an actor's permissions (`actor set`, `PATCH /v1/admin/actors/{id}`). Needs
    /// `is_admin`; granting or revoking `is_infra_admin` needs `is_infra_admin` too, so a plain
    /// admin cannot hand out the provider configuration. The last actor with `is_admin`, or the
    /// last with `is_infra_admin`, cannot lose it (nobody could give it back). Audited with the
    /// permissions before and after.
    public func setPermissions(of id: ActorID, _ change: PermissionChange) async throws(AdminError) -> Actor {
        try await audited("actor.set", target: id.rawValue) { () throws(AdminError) in
            try authorize(change.isInfraAdmin == nil ? [.isAdmin] : [.isAdmin, .isInfraAdmin])
            guard !change.isEmpty else {
                throw AdminError(.invalidArgument, "nothing to change: give at least one permission")
            }
            let actor = try await existingActor(id, allowShredded: true)
            let after = change.applied(to: actor.permissions)
            if actor.permissions.isAdmin, !after.isAdmin, try await isLastHolder(id, of: .isAdmin) {
                throw AdminError(.conflict, "\(id) is the last actor with is_admin: grant it to another first")
            }
            if actor.permissions.isInfraAdmin, !after.isInfraAdmin, try await isLastHolder(id, of: .isInfraAdmin) {
                throw AdminError(.conflict, "\(id) is the last actor with is_infra_admin: grant it to another first")
            }
            try await admin { try await store.setPermissions(after, of: id) }
            let updated = Actor(
                id: actor.id, keyPolicy: actor.keyPolicy, permissions: after, createdAt: actor.createdAt,
                shreddedAt: actor.shreddedAt)
            return (updated, ["before": actor.permissions.summary, "after": after.summary])
        }
    }
}

extension KeyAdministration {
    /// Whether no actor but `id` that can still sign in (not shredded) holds `permission`:
    /// taking it from `id`, or shredding `id`, would leave nobody to give it back.
    func isLastHolder(_ id: ActorID, of permission: Permission) async throws(AdminError) -> Bool {
        let others = try await admin { try await store.actors() }.filter { $0.id != id && $0.shreddedAt == nil }
        return !others.contains { permission.granted(in: $0.permissions) }
    }
}
