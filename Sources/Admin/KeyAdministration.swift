import ActorKeys
import Ledger
import Registry

/// KeyAdministration holds the key-administration use cases: enrolment, a first key, rotation,
/// retirement, shredding, tokens. Each one leaves an audit event, success or failure, that names
/// fingerprints and paths and never a secret. The long jobs (rewrap, re-encrypt, migrate) and
/// `status` are in their own files.
public struct KeyAdministration: Sendable {
    public let workspace: Workspace
    public let principal: Principal
    /// The principal's permissions; nil for the command line, which is not restricted.
    public let permissions: Permissions?

    var store: LedgerStore { workspace.store }

    // MARK: Enrolment

    /// Enrols an actor. `auto` gives it a key at once, of `keyType` (default: the workspace's,
    /// the shared key's type); `optIn` leaves its rows under the shared key until `createKey`.
    public func enroll(
        _ id: ActorID, keys policy: KeyPolicy, keyType: AgeKeyKind? = nil, permissions: Permissions = .none
    ) async throws(AdminError) -> Enrollment {
        try await audited("actor.enroll", target: id.rawValue) { () throws(AdminError) in
            try authorize(permissions.isInfraAdmin ? [.isAdmin, .isInfraAdmin] : [.isAdmin])
            let actor = Actor(id: id, keyPolicy: policy, permissions: permissions, createdAt: .now(), shreddedAt: nil)
            if try await admin({ try await store.actor(id) }) != nil {
                throw AdminError(.conflict, "actor \(id) already exists")
            }
            if keyType != nil && policy == .optIn {
                throw AdminError(
                    .invalidArgument, "an opt-in actor gets no key at enrolment: choose its key type at key create")
            }
            var key: NewKeyVersion?
            if policy == .auto {
                key = try newKey(for: .actor(id), name: nil, existing: [], kind: try await self.keyType(or: keyType))
            }
            let version = try await admin { try await store.enroll(actor, key: key) }
            workspace.registry.evict(.actor(id))
            var details: AuditDetails = ["keys": policy.rawValue, "permissions": permissions.summary]
            if let version { details["key_type"] = version.recipient.kind.rawValue }
            if let version { details.merge(version.auditDetails) { $1 } }
            return (Enrollment(actor: actor, key: version), details)
        }
    }

    /// Gives an enrolled actor its first key (opting in), of `keyType` (default: the
    /// workspace's, the shared key's type). Its new rows are sealed under it; `ledger migrate`
    /// moves its older shared-key rows.
    public func createKey(for id: ActorID, keyType: AgeKeyKind? = nil) async throws(AdminError) -> KeyCreation {
        try await audited("encryption.key_create", target: id.rawValue) { () throws(AdminError) in
            try authorize([.isAdmin])
            let actor = try await existingActor(id)
            let keyring = try await admin { try await store.keyringOf(.actor(id)) }
            if keyring.active != nil { throw AdminError(.conflict, "actor \(id) already has a key: use key rotate") }
            let kind = try await self.keyType(or: keyType)
            let key = try newKey(for: .actor(id), name: nil, existing: keyring.versions, kind: kind)
            let version = try await admin { try await store.addActiveVersion(key).added }
            workspace.registry.evict(.actor(actor.id))
            var details = version.auditDetails
            details["key_type"] = kind.rawValue
            return (KeyCreation(version: version), details)
        }
    }

    // MARK: Rotation

    /// Rotates `owner`'s key: a new active version, the old one decrypt-only. New data keys are
    /// wrapped to both during the overlap (to the new one alone when the key type changes);
    /// nothing becomes unreadable and nothing restarts.
    /// `name` defaults to the next `vN`; `primary` is reserved; a name that is already a version
    /// of the owner is a conflict. `force` is accepted for the contract's sake: identities are
    /// sealed rows, not files, so there is never a file to replace. The new version has
    /// `keyType`, by default the type of the version it replaces: a rotation to
    /// `.hybrid` moves the owner to post-quantum (and `key rewrap` its older data keys).
    public func rotate(
        _ owner: Owner, name: String? = nil, force: Bool = false, keyType: AgeKeyKind? = nil
    ) async throws(AdminError) -> Rotation {
        try await audited("encryption.rotate", target: owner.actor?.rawValue) { () throws(AdminError) in
            try authorize([.isAdmin, .canRotateEncryptionKey])
            if let actor = owner.actor { _ = try await existingActor(actor) }
            let keyring = try await admin { try await store.keyringOf(owner) }
            guard let current = keyring.active else {
                throw owner == .shared
                    ? AdminError(.notFound, "there is no shared key: run actorkeys init")
                    : AdminError(.conflict, "\(owner) has no key yet: use key create")
            }
            if name == KeyName.primary.rawValue {
                throw AdminError(
                    .invalidArgument, "the name primary is reserved: the live shared identity is never overwritten")
            }
            let (added, previous) = try await rotateRecording(
                owner, name: name, kind: keyType ?? current.recipient.kind, keyring: keyring)
            workspace.registry.evict(owner)
            let rotation = Rotation(owner: owner, version: added, previous: previous ?? current)
            var details = added.auditDetails
            details["previous_fingerprint"] = rotation.previous.fingerprint.hex
            details["version"] = String(added.version)
            details["key_type"] = added.recipient.kind.rawValue
            details["previous_key_type"] = rotation.previous.recipient.kind.rawValue
            return (rotation, details)
        }
    }

    /// Records the rotation. Concurrent rotations of one owner (other processes) can choose the
    /// same next version; the loser of such a race reads the keyring again and takes the next
    /// free one, a few times, when the name is not the caller's own.
    private func rotateRecording(
        _ owner: Owner, name: String?, kind: AgeKeyKind, keyring first: Keyring
    ) async throws(AdminError) -> (KeyVersion, KeyVersion?) {
        var keyring = first
        for attempt in 1...8 {
            let key = try newKey(for: owner, name: name, existing: keyring.versions, kind: kind)
            do {
                return try await store.rotate(to: key)
            } catch  where error.code == .conflict && name == nil && attempt < 8 {
                keyring = try await admin { try await store.keyringOf(owner) }
            } catch {
                throw AdminError(error)
            }
        }
        throw AdminError(.conflict, "\(owner) is being rotated by others at the same time: try again")
    }

    // MARK: Retirement and shredding

    /// Destroys a decrypt-only version once no data key depends on it alone: its sealed identity
    /// is dropped from its row. Otherwise refuses and says how many data keys still do.
    public func retire(_ owner: Owner, fingerprint text: String) async throws(AdminError) -> KeyVersion {
        try await audited("encryption.retire", target: owner.actor?.rawValue) { () throws(AdminError) in
            try authorize([.isAdmin, .canRotateEncryptionKey])
            guard let fingerprint = Fingerprint(hex: text) else {
                throw AdminError(
                    .invalidArgument,
                    "invalid fingerprint \"\(text.prefix(40))\": a fingerprint is 16 lowercase hex characters")
            }
            let version = try await admin { try await store.retire(owner: owner, fingerprint: fingerprint) }
            workspace.registry.evict(owner)
            return (version, ["fingerprint": fingerprint.hex, "version": String(version.version)])
        }
    }

    /// Erases every version of an actor's key (sealed identities, caches, wrapped data keys) so its rows can
    /// never be read again; everything else stays readable. Needs explicit confirmation.
    public func shred(_ id: ActorID, confirmed: Bool) async throws(AdminError) -> Shredding {
        try await audited("encryption.shred", target: id.rawValue) { () throws(AdminError) in
            try authorize([.isAdmin, .canShred])
            guard confirmed else {
                throw AdminError(.invalidArgument, "shredding erases \(id)'s keys for ever: confirm it (--yes)")
            }
            let actor = try await existingActor(id, allowShredded: true)
            if actor.shreddedAt == nil {
                for permission in [Permission.isAdmin, .isInfraAdmin]
                where permission.granted(in: actor.permissions) {
                    if try await isLastHolder(id, of: permission) {
                        throw AdminError(
                            .conflict,
                            "\(id) is the last actor with \(permission.rawValue): shredding it would lock everyone out; grant it to another first"
                        )
                    }
                }
            }
            let outcome = try await admin { try await store.shred(actor.id) }
            workspace.registry.evict(.actor(id))
            let shredding = Shredding(actor: id, outcome: outcome)
            return (
                shredding,
                [
                    "fingerprints": outcome.versionsDestroyed.map(\.fingerprint.hex).joined(separator: " "),
                    "data_keys_erased": String(outcome.dataKeysErased),
                    "rows_unreadable": String(outcome.rowsUnreadable),
                    "rows_under_shared_key": String(outcome.rowsUnderSharedKey),
                ]
            )
        }
    }

    // MARK: Tokens

    /// Makes a bearer token for `actor`: returned once, stored only as its SHA-256.
    public func createToken(for id: ActorID) async throws(AdminError) -> CreatedToken {
        try await audited("token.create", target: id.rawValue) { () throws(AdminError) in
            try authorize([.isAdmin])
            _ = try await existingActor(id)
            let token = APITokenFormat.generate()
            try await admin { try await store.insertToken(id: token.id, actor: id, tokenHash: token.hash) }
            return (CreatedToken(id: token.id, actor: id, token: token.secret), ["token_id": token.id])
        }
    }

    /// Revokes a token by id: it stops working at once.
    public func revokeToken(_ id: String) async throws(AdminError) {
        try await audited("token.revoke", target: nil) { () throws(AdminError) in
            try authorize([.isAdmin])
            guard try await admin({ try await store.revokeToken(id: id) }) else {
                throw AdminError(.notFound, "no live token with id \(id.prefix(64))")
            }
            return ((), ["token_id": id])
        }
    }

    /// An actor's tokens (ids and dates; the tokens themselves are not stored).
    public func tokens(of id: ActorID) async throws(AdminError) -> [APIToken] {
        try authorize([.isAdmin])
        _ = try await existingActor(id, allowShredded: true)
        return try await admin { try await store.tokens(of: id) }
    }

    // MARK: Helpers

    func existingActor(_ id: ActorID, allowShredded: Bool = false) async throws(AdminError) -> Actor {
        guard let actor = try await admin({ try await store.actor(id) }) else {
            throw AdminError(.notFound, "actor \(id) does not exist")
        }
        if actor.isShredded && !allowShredded { throw AdminError(.conflict, "actor \(id) was shredded") }
        return actor
    }

    /// `requested`, or else the workspace's key type: that of the shared key's active version
    /// (`init --pq` makes it post-quantum, and a rotation of the shared key changes it). Actors'
    /// new keys follow it unless told otherwise.
    func keyType(or requested: AgeKeyKind?) async throws(AdminError) -> AgeKeyKind {
        if let requested { return requested }
        return try await admin { try await store.keyringOf(.shared) }.active?.recipient.kind ?? .x25519
    }

    /// A new identity of `kind` for `owner`, to be sealed into its row when the store records
    /// it: named `name`, or the next free `vN`. A name that is a key version is a conflict.
    func newKey(
        for owner: Owner, name: String?, existing: [KeyVersion], kind: AgeKeyKind
    ) throws(AdminError) -> NewKeyVersion {
        let keyName: KeyName
        if let name {
            keyName = try adminSync { try KeyName(name) }
            if existing.contains(where: { $0.name == keyName }) {
                throw AdminError(.conflict, "\(owner) already has a key version named \(keyName)")
            }
        } else {
            var next = (existing.map(\.version).max() ?? 0) + 1
            while existing.contains(where: { $0.name.rawValue == "v\(next)" }) { next += 1 }
            keyName = try adminSync { try KeyName("v\(next)") }
        }
        return NewKeyVersion(
            owner: owner, name: keyName, identity: .generate(kind), sealer: workspace.registry.sealer)
    }
}

extension KeyVersion {
    var auditDetails: AuditDetails {
        [
            "fingerprint": fingerprint.hex, "recipient": recipient.encoded, "name": name.rawValue,
            "version": String(version), "sealing_key": sealed.map { String($0.sealingKeyID) } ?? "",
        ]
    }
}

extension Permissions {
    public var summary: String {
        [
            isAdmin ? "is_admin" : nil, canRotateEncryptionKey ? "can_rotate_encryption_key" : nil,
            canShred ? "can_shred" : nil, isInfraAdmin ? "is_infra_admin" : nil,
        ]
        .compactMap { $0 }.joined(separator: " ")
    }
}
