import ActorKeys
import Envelope
import Registry

/// ShredOutcome counts what a shred erased.
public struct ShredOutcome: Sendable, Hashable {
    public let versionsDestroyed: [KeyVersion]
    public let dataKeysErased: Int
    public let rowsUnreadable: Int
    /// The actor's rows that are under the shared key (written before it had a key and never
    /// migrated): they stay readable.
    public let rowsUnderSharedKey: Int
}

/// RowCount is how many rows share a protection and a data key.
public struct RowCount: Sendable, Hashable {
    public let protection: Protection
    public let dataKey: DataKeyID?
    public let rows: Int
}

/// DataKeySummary is a data key without its wrapped bytes.
public struct DataKeySummary: Sendable, Hashable {
    public let id: DataKeyID
    public let owner: Owner
    public let fingerprints: [Fingerprint]
    /// The versions it was first wrapped to; nil for data keys from before schema version 5.
    public let mintedFingerprints: [Fingerprint]?
    public let state: DataKeyState
    public let createdAt: Timestamp
}

extension LedgerStore {
    /// A rotation: adds the new active version and closes the owner's sealing data keys, in one
    /// transaction.
    public func rotate(to key: NewKeyVersion) async throws(LedgerError) -> (added: KeyVersion, previous: KeyVersion?) {
        try await pool.transaction { connection throws(LedgerError) in
            let result = try Self.addActiveVersion(key, on: connection)
            _ = try Self.setDataKeyState(owner: key.owner, from: [.sealing], to: .closed, on: connection)
            return result
        }
    }

    /// Destroys a decrypt-only version, provided no live data key depends on it alone; else
    /// `.conflict` saying how many do. Returns the version as it was.
    public func retire(owner: Owner, fingerprint: Fingerprint) async throws(LedgerError) -> KeyVersion {
        try await pool.transaction { connection throws(LedgerError) in
            let lock = connection.dialect == .postgres ? " FOR UPDATE" : ""
            guard
                let row = try connection.queryRow(
                    "SELECT \(Self.keyColumns) FROM actor_keys WHERE COALESCE(actor_id, '') = $1 AND fingerprint = $2\(lock)",
                    .text(owner.key), .text(fingerprint.hex))
            else { throw LedgerError(.notFound, "\(owner) has no key with fingerprint \(fingerprint)") }
            let version = try Self.keyVersion(from: row)
            switch version.state {
            case .active:
                throw LedgerError(
                    .conflict, "key \(fingerprint) is the active key of \(owner): rotate first, then retire it")
            case .destroyed: throw LedgerError(.conflict, "key \(fingerprint) of \(owner) is already destroyed")
            case .decryptOnly: break
            }
            let dependents = try Self.dataKeysDependingAlone(on: version, on: connection)
            guard dependents == 0 else {
                throw LedgerError(
                    .conflict,
                    "\(dependents) data key\(dependents == 1 ? "" : "s") of \(owner) depend\(dependents == 1 ? "s" : "") on key \(fingerprint) alone: run key rewrap first"
                )
            }
            try Self.setKeyState(.destroyed, owner: owner, version: version.version, on: connection)
            return version
        }
    }

    /// Live data keys of the version's owner wrapped to it and to no other live version.
    static func dataKeysDependingAlone(on version: KeyVersion, on connection: SQLConnection) throws(LedgerError) -> Int
    {
        let keyring = try keyring(for: version.owner, on: connection)
        let alive = Set(
            keyring.versions.filter { $0.state != .destroyed && $0.version != version.version }.map(\.fingerprint.hex))
        let rows = try connection.query(
            "SELECT fingerprints FROM data_keys WHERE COALESCE(actor_id, '') = $1 AND state <> 'erased' AND (' ' || fingerprints || ' ') LIKE $2",
            .text(version.owner.key), .text("% \(version.fingerprint.hex) %"))
        var count = 0
        for row in rows where try row.string(0).split(separator: " ").allSatisfy({ !alive.contains(String($0)) }) {
            count += 1
        }
        return count
    }

    /// Shreds an actor in one transaction: every key version destroyed, every data key erased
    /// (the rows it sealed can never be opened again), the actor marked shredded.
    public func shred(_ actor: ActorID) async throws(LedgerError) -> ShredOutcome {
        let owner = Owner.actor(actor)
        return try await pool.transaction { connection throws(LedgerError) in
            let lock = connection.dialect == .postgres ? " FOR UPDATE" : ""
            guard try connection.queryRow("SELECT id FROM actors WHERE id = $1\(lock)", .text(actor.rawValue)) != nil
            else {
                throw LedgerError(.notFound, "actor \(actor) does not exist")
            }
            // Wait for inserts that hold these data keys, then erase them.
            _ = try connection.query("SELECT id FROM data_keys WHERE actor_id = $1\(lock)", .text(actor.rawValue))
            let keyring = try Self.keyring(for: owner, on: connection)
            let destroyed = keyring.versions.filter { $0.state != .destroyed }
            for version in destroyed {
                try Self.setKeyState(.destroyed, owner: owner, version: version.version, on: connection)
            }
            let erased = try Self.setDataKeyState(
                owner: owner, from: [.sealing, .closed, .replacing], to: .erased, on: connection)
            try connection.execute(
                "UPDATE actors SET shredded_at = COALESCE(shredded_at, $2) WHERE id = $1", .text(actor.rawValue),
                Timestamp.now().column)
            let unreadable = try connection.query(
                "SELECT count(*) FROM ledger_entries WHERE protection = 'encrypted' AND prompt_encryption_actor_id = $1",
                .text(actor.rawValue))[0].int(0)
            let shared = try connection.query(
                "SELECT count(*) FROM ledger_entries WHERE protection = 'encrypted' AND prompt_encryption_actor_id IS NULL AND actor_id = $1",
                .text(actor.rawValue))[0].int(0)
            return ShredOutcome(
                versionsDestroyed: destroyed, dataKeysErased: erased, rowsUnreadable: unreadable,
                rowsUnderSharedKey: shared)
        }
    }

    /// Marks the owner's live data keys for replacement (re-encryption), unless a re-encryption
    /// is already under way, in which case nothing changes and it resumes. Returns how many
    /// data keys are being replaced.
    public func beginReplacing(owner: Owner) async throws(LedgerError) -> Int {
        try await pool.transaction { connection throws(LedgerError) in
            let replacing = try connection.query(
                "SELECT count(*) FROM data_keys WHERE COALESCE(actor_id, '') = $1 AND state = 'replacing'",
                .text(owner.key))[0].int(0)
            if replacing > 0 { return replacing }
            _ = try Self.nextGeneration(on: connection)
            try connection.execute(
                "UPDATE actor_keys SET generation = (SELECT generation FROM key_generation WHERE id = 1) WHERE COALESCE(actor_id, '') = $1 AND state = 'active'",
                .text(owner.key))
            return try Self.setDataKeyState(owner: owner, from: [.sealing, .closed], to: .replacing, on: connection)
        }
    }

    /// Erases the owner's replaced data keys that no row uses any more; returns them.
    public func eraseReplaced(owner: Owner) async throws(LedgerError) -> [DataKeyID] {
        try await pool.transaction { connection throws(LedgerError) in
            let lock = connection.dialect == .postgres ? " FOR UPDATE" : ""
            let candidates = try connection.query(
                "SELECT id FROM data_keys WHERE COALESCE(actor_id, '') = $1 AND state = 'replacing'\(lock)",
                .text(owner.key))
            var erased: [DataKeyID] = []
            for row in candidates {
                let id = try row.string(0)
                // A statement after the lock: it sees every row committed before it.
                guard
                    try connection.queryRow("SELECT 1 FROM ledger_entries WHERE data_key_id = $1 LIMIT 1", .text(id))
                        == nil
                else { continue }
                try connection.execute(
                    "UPDATE data_keys SET state = 'erased', wrapped = NULL, closed_at = $2 WHERE id = $1", .text(id),
                    Timestamp.now().column)
                if let dataKey = DataKeyID(hex: id) { erased.append(dataKey) }
            }
            return erased
        }
    }

    /// Row counts by protection and data key: what `status` is built from.
    public func rowCounts() async throws(LedgerError) -> [RowCount] {
        try await pool.read { connection throws(LedgerError) in
            try connection.query(
                "SELECT protection, prompt_encryption_actor_id, data_key_id, count(*) FROM ledger_entries GROUP BY protection, prompt_encryption_actor_id, data_key_id"
            ).map { row throws(LedgerError) in
                let protection: Protection =
                    if try row.string(0) == "plaintext" { .plaintext } else {
                        try row.optionalString(1).map { text throws(LedgerError) in .actor(try ActorID(stored: text)) }
                            ?? .shared
                    }
                return RowCount(
                    protection: protection, dataKey: try row.optionalString(2).flatMap(DataKeyID.init(hex:)),
                    rows: try row.int(3))
            }
        }
    }

    /// Every data key, without wrapped bytes.
    public func dataKeySummaries() async throws(LedgerError) -> [DataKeySummary] {
        try await pool.read { connection throws(LedgerError) in
            try connection.query(
                "SELECT id, actor_id, fingerprints, state, created_at, minted_fingerprints FROM data_keys ORDER BY created_at"
            ).map { row throws(LedgerError) in
                guard let id = DataKeyID(hex: try row.string(0)), let state = DataKeyState(rawValue: try row.string(3))
                else {
                    throw LedgerError(.corrupt, "stored data key is invalid")
                }
                func fingerprints(_ text: String) -> [Fingerprint] {
                    text.split(separator: " ").compactMap { Fingerprint(hex: String($0)) }
                }
                return DataKeySummary(
                    id: id, owner: try Owner(column: try row.optionalString(1)),
                    fingerprints: fingerprints(try row.string(2)),
                    mintedFingerprints: try row.optionalString(5).map(fingerprints), state: state,
                    createdAt: Timestamp(column: try row.int64(4)))
            }
        }
    }

    /// Shared-key rows whose writer has a key of its own (what `ledger migrate` would move),
    /// optionally of one writer.
    public func sharedRowsAwaitingMigration(actor: ActorID? = nil) async throws(LedgerError) -> Int {
        try await pool.read { connection throws(LedgerError) in
            try connection.query(
                """
                SELECT count(*) FROM ledger_entries WHERE protection = 'encrypted' AND prompt_encryption_actor_id IS NULL
                  AND ($1 = '' OR actor_id = $1)
                  AND actor_id IN (SELECT actor_id FROM actor_keys WHERE state = 'active' AND actor_id IS NOT NULL)
                """, .text(actor?.rawValue ?? ""))[0].int(0)
        }
    }
}
