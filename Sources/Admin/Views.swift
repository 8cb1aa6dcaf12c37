import ActorKeys
import Ledger
import Registry

/// EnrolledActor is an actor with every version of its key, newest first.
public struct EnrolledActor: Sendable {
    public let actor: Actor
    public let versions: [KeyVersion]
}

extension KeyAdministration {
    // The read-only views. They need `is_admin` like the actions, but change nothing, so they
    // leave no audit event.

    /// Every actor, in id order, with its key versions.
    public func actors() async throws(AdminError) -> [EnrolledActor] {
        try authorize([.isAdmin])
        var enrolled: [EnrolledActor] = []
        for actor in try await admin({ try await store.actors() }) {
            enrolled.append(
                EnrolledActor(
                    actor: actor, versions: try await admin { try await store.keyringOf(.actor(actor.id)) }.versions))
        }
        return enrolled
    }

    /// One actor, shredded or not, with its key versions.
    public func actor(_ id: ActorID) async throws(AdminError) -> EnrolledActor {
        try authorize([.isAdmin])
        let actor = try await existingActor(id, allowShredded: true)
        return EnrolledActor(actor: actor, versions: try await admin { try await store.keyringOf(.actor(id)) }.versions)
    }

    /// Audit events in order: after sequence number `sequence`, at or after `since`, at most
    /// `limit`.
    public func auditEvents(
        after sequence: Int64 = 0, since: Timestamp? = nil, limit: Int = 100
    ) async throws(AdminError) -> [AuditRecord] {
        try authorize([.isAdmin])
        return try await admin { try await store.auditEvents(after: sequence, since: since, limit: limit) }
    }
}

extension KeyAdministration {
    /// Drops every cached key and re-reads the key generation: what a restart would do for
    /// keys, without one. Returns how many owners had keys cached.
    public func reload() async throws(AdminError) -> Int {
        try await audited("encryption.reload", target: nil) { () throws(AdminError) in
            try authorize([.isAdmin])
            let evicted = workspace.registry.evictAll()
            _ = try? await workspace.registry.refresh()
            return (evicted, ["owners_evicted": String(evicted)])
        }
    }
}

extension Workspace {
    /// Whether the database answers: `.unavailable` when it does not.
    public func checkHealth() async throws(AdminError) {
        do {
            try await store.ping()
        } catch {
            throw AdminError(.unavailable, "the database does not answer")
        }
    }
}
