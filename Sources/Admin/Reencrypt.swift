import ActorKeys
import Envelope
import Ledger
import Registry

extension KeyAdministration {
    static let batchSize = 500

    /// Moves every row of `owner` to fresh data keys and erases the old ones: the answer to a
    /// suspected data-key compromise. The old keys are marked first, so an interrupted run
    /// resumes with the same set; each batch of rows is one transaction (the ledger's
    /// `resealNextBatch`); a key is erased only once no row uses it. Rows that fail to open stay
    /// where they are and are reported.
    public func reencrypt(
        _ owner: Owner, control: OperationControl = OperationControl()
    ) async throws(AdminError) -> OperationSummary {
        try await audited("encryption.reencrypt", target: owner.actor?.rawValue) { () throws(AdminError) in
            try authorize([.isAdmin, .canRotateEncryptionKey])
            if let actor = owner.actor { _ = try await existingActor(actor) }
            guard try await admin({ try await store.keyringOf(owner) }).active != nil else {
                throw AdminError(.conflict, "\(owner) has no active key to re-encrypt under")
            }
            let replacing = try await admin { try await store.beginReplacing(owner: owner) }
            // New rows from now on go to a fresh data key, here and (within a second) elsewhere.
            workspace.registry.evict(owner)
            var summary = OperationSummary()
            try await reseal(.reencrypt(owner), summary: &summary, control: control)
            var erased: [DataKeyID] = []
            if !summary.interrupted {
                erased = try await admin { try await store.eraseReplaced(owner: owner) }
                for id in erased { workspace.registry.evict(dataKey: id) }
            }
            var details = summary.auditDetails
            details["owner"] = owner.label
            details["data_keys_replaced"] = String(replacing)
            details["data_keys_erased"] = String(erased.count)
            return (summary, details)
        }
    }

    /// Runs the ledger's batches of `work` until none is left or `control` stops it, adding each
    /// batch to `summary` and reporting progress after it.
    func reseal(_ work: ResealWork, summary: inout OperationSummary, control: OperationControl) async throws(AdminError)
    {
        var after: Int64 = 0
        while true {
            if control.isStopped {
                summary.interrupted = true
                return
            }
            guard
                let batch = try await admin({
                    try await workspace.ledger.resealNextBatch(work, after: after, limit: Self.batchSize)
                })
            else { return }
            after = batch.last
            summary.done += batch.resealed
            summary.skipped += batch.skipped
            for failure in batch.failures { summary.fail("entry \(failure.entry): \(failure.error.message)") }
            control.report(summary)
        }
    }
}
