import ActorKeys
import Ledger
import Registry

extension KeyAdministration {
    /// Moves shared-key rows of actors that now have keys of their own to those keys, in
    /// batches of one transaction each; `actor` narrows it to one writer. A row is moved once:
    /// an interrupted migration simply continues when run again.
    public func migrate(
        _ actor: ActorID?, control: OperationControl = OperationControl()
    ) async throws(AdminError) -> OperationSummary {
        try await audited("ledger.migrate", target: actor?.rawValue) { () throws(AdminError) in
            try authorize([.isAdmin])
            if let actor {
                let found = try await existingActor(actor)
                guard try await admin({ try await store.keyringOf(.actor(found.id)) }).active != nil else {
                    throw AdminError(.conflict, "actor \(actor) has no key of its own yet: use key create first")
                }
            }
            var summary = OperationSummary(
                total: try await admin { try await store.sharedRowsAwaitingMigration(actor: actor) })
            try await reseal(.migrate(actor), summary: &summary, control: control)
            var details = summary.auditDetails
            details["actor"] = actor?.rawValue ?? "all"
            return (summary, details)
        }
    }
}
