import Ledger

/// Permission is one per-actor permission of DESIGN.md; all default to deny.
public enum Permission: String, Sendable, CaseIterable {
    case isAdmin = "is_admin"
    case canRotateEncryptionKey = "can_rotate_encryption_key"
    case canShred = "can_shred"
    case isInfraAdmin = "is_infra_admin"

    func granted(in permissions: Permissions) -> Bool {
        switch self {
        case .isAdmin: permissions.isAdmin
        case .canRotateEncryptionKey: permissions.canRotateEncryptionKey
        case .canShred: permissions.canShred
        case .isInfraAdmin: permissions.isInfraAdmin
        }
    }
}

extension KeyAdministration {
    /// Checks that the principal holds `needed`; the command line (no permissions attached) may
    /// do everything, as it holds the database anyway. The error names what is missing.
    public func authorize(_ needed: [Permission]) throws(AdminError) {
        guard let permissions else { return }
        let missing = needed.filter { !$0.granted(in: permissions) }
        guard !missing.isEmpty else { return }
        let names = missing.map(\.rawValue).joined(separator: " and ")
        if permissions.isEmpty {
            throw AdminError(
                .permissionDenied,
                "\(principal) has no permissions entry: this needs \(needed.map(\.rawValue).joined(separator: " and "))"
            )
        }
        throw AdminError(.permissionDenied, "\(principal) lacks \(names)")
    }

    /// Checks permissions for an action that runs later (a job): a denial is audited now, as
    /// `admin.<action>.error.permission_denied`; success is audited by the action itself.
    public func authorize(_ action: String, target: String?, needs: [Permission]) async throws(AdminError) {
        do {
            try authorize(needs)
        } catch {
            try? await recordFailure(action, target: target, error: error)
            throw error
        }
    }
}
