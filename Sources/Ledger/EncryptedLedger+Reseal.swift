import ActorKeys
import Envelope
import Registry

/// ResealWork names the rows a long job moves to other data keys, a batch at a time.
public enum ResealWork: Sendable, Hashable {
    /// Rows under `owner`'s data keys marked `replacing`: re-encryption, to fresh data keys of
    /// the same owner.
    case reencrypt(Owner)
    /// Shared-key rows whose writer now has a key of its own (optionally one writer): migration,
    /// to the writer's key.
    case migrate(ActorID?)
}

/// ResealBatch is what one batch of resealing did.
public struct ResealBatch: Sendable {
    /// Rows now under their new data key.
    public var resealed = 0
    /// Rows left as they were: plaintext, or moved by another process meanwhile.
    public var skipped = 0
    /// Rows that failed to open or seal, with why; they stay where they were.
    public var failures: [(entry: EntryID, error: LedgerError)] = []
    /// The sequence number of the batch's last row: where the next batch starts.
    public var last: Int64
}

extension EncryptedLedger {
    /// Reseals the next batch of `work` after sequence number `sequence`: opens each row and
    /// seals it again for its new owner, then writes the batch in one transaction, leaving alone
    /// a row that another process moved meanwhile. Nil when no row is left. Running it again
    /// after an interruption continues where it stopped: a moved row no longer matches.
    public func resealNextBatch(
        _ work: ResealWork, after sequence: Int64, limit: Int
    ) async throws(LedgerError) -> ResealBatch? {
        let rows: [(LedgerEntry, [UInt8])]
        switch work {
        case .reencrypt(let owner):
            rows = try await store.entries(underDataKeysOf: owner, in: .replacing, after: sequence, limit: limit)
        case .migrate(let actor):
            rows = try await store.sharedEntriesToMigrate(actor: actor, after: sequence, limit: limit)
        }
        guard let last = rows.last else { return nil }
        var batch = ResealBatch(last: last.0.sequence)
        var resealed: [Resealed] = []
        for (entry, stored) in rows {
            guard let previous = entry.dataKey else {
                batch.skipped += 1
                continue
            }
            let owner: Owner =
                switch work {
                case .reencrypt(let owner): owner
                case .migrate: .actor(entry.actor)
                }
            do throws(LedgerError) {
                let plaintext = try await open(entry, stored)
                let sealed: (record: [UInt8], dataKey: DataKeyID)
                do {
                    sealed = try await registry.seal(plaintext, owner: owner, entryID: entry.id.rawValue)
                } catch {
                    throw LedgerError(error, sealing: true)
                }
                let protection: Protection = owner.actor.map { .actor($0) } ?? .shared
                resealed.append(
                    Resealed(
                        entry: entry.id, previousDataKey: previous, protection: protection, dataKey: sealed.dataKey,
                        record: sealed.record))
            } catch {
                batch.failures.append((entry.id, error))
            }
        }
        guard !resealed.isEmpty else { return batch }
        let changed = try await store.reseal(resealed)
        batch.resealed = changed
        batch.skipped += resealed.count - changed
        return batch
    }
}
