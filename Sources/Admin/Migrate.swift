import ActorKeys
import Ledger
import Registry

extension KeyAdministration {
    /// Moves shared-key rows of actors that now have keys of their own to those keys, in
    /// batches of one transaction each; `actor` narrows it to one writer. A row is moved once:
    /// an interrupted migration simply continues when run again.
    public func migrate(_ actor: ActorID?, control: OperationControl = OperationControl()) async throws(AdminError) -> OperationSummary {
        try await audited("ledger.migrate", target: actor?.rawValue) { () throws(AdminError) in
            try authorize([.isAdmin])
            if let actor {
                let found = try await existingActor(actor)
                guard try await admin({ try await store.keyringOf(.actor(found.id)) }).active != nil else {
                    throw AdminError(.conflict, "actor \(actor) has no key of its own yet: use key create first")
                }
            }
            var summary = OperationSummary(total: try await admin { try await store.sharedRowsAwaitingMigration(actor: actor) })
            var after: Int64 = 0
            while true {
                if control.isStopped {
                    summary.interrupted = true
                    break
                }
                let batch = try await admin { try await store.sharedEntriesToMigrate(actor: actor, after: after, limit: Self.batchSize) }
                guard let last = batch.last else { break }
                after = last.0.sequence
                try await reseal(batch, to: { .actor($0.actor) }, summary: &summary)
                control.report(summary)
            }
            return (summary, [
                "actor": actor?.rawValue ?? "all", "done": String(summary.done), "failed": String(summary.failed),
                "skipped": String(summary.skipped), "interrupted": String(summary.interrupted),
            ])
        }
    }
}
