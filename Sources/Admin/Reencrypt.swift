import ActorKeys
import Envelope
import Ledger
import Registry

extension KeyAdministration {
    static let batchSize = 500

    /// Moves every row of `owner` to fresh data keys and erases the old ones: the answer to a
    /// suspected data-key compromise. The old keys are marked first, so an interrupted run
    /// resumes with the same set; each batch of rows is one transaction; a key is erased only
    /// once no row uses it. Rows that fail to open stay where they are and are reported.
    public func reencrypt(_ owner: Owner, control: OperationControl = OperationControl()) async throws(AdminError) -> OperationSummary {
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
            var after: Int64 = 0
            while true {
                if control.isStopped {
                    summary.interrupted = true
                    break
                }
                let batch = try await admin { try await store.entries(underDataKeysOf: owner, in: .replacing, after: after, limit: Self.batchSize) }
                guard let last = batch.last else { break }
                after = last.0.sequence
                try await reseal(batch, to: { _ in owner }, summary: &summary)
                control.report(summary)
            }
            var erased: [DataKeyID] = []
            if !summary.interrupted {
                erased = try await admin { try await store.eraseReplaced(owner: owner) }
                for id in erased { workspace.registry.evict(dataKey: id) }
            }
            return (summary, [
                "owner": owner.label, "done": String(summary.done), "failed": String(summary.failed), "skipped": String(summary.skipped),
                "data_keys_replaced": String(replacing), "data_keys_erased": String(erased.count), "interrupted": String(summary.interrupted),
            ])
        }
    }

    /// Opens each row and seals it again for the owner `target` gives, then writes the batch in
    /// one transaction.
    func reseal(_ batch: [(LedgerEntry, [UInt8])], to target: (LedgerEntry) -> Owner, summary: inout OperationSummary) async throws(AdminError) {
        var resealed: [Resealed] = []
        for (entry, stored) in batch {
            guard let previous = entry.dataKey else {
                summary.skipped += 1
                continue
            }
            do {
                let plaintext = try await workspace.ledger.open(entry, stored)
                let owner = target(entry)
                let sealed = try await workspace.registry.seal(plaintext, owner: owner, entryID: entry.id.rawValue)
                let protection: Protection = owner.actor.map { .actor($0) } ?? .shared
                resealed.append(Resealed(entry: entry.id, previousDataKey: previous, protection: protection, dataKey: sealed.dataKey, record: sealed.record))
            } catch {
                summary.fail("entry \(entry.id): \(AdminError(error).message)")
            }
        }
        guard !resealed.isEmpty else { return }
        let changed = try await admin { try await store.reseal(resealed) }
        summary.done += changed
        summary.skipped += resealed.count - changed
    }
}
