import ActorKeys
import Registry

/// Changes to the root of trust: rotation under the provider's newest version, a move to another
/// root key, a fresh sealing key with its identities re-sealed, and the one-time sealing of a
/// workspace made before sealed identities. Each step is its own transaction and can be re-run.
extension LedgerStore {
    /// Replaces the wrapped forms of sealing keys under `root` (a rotation), and records when.
    public func rotateRoot(
        _ root: Int64, wraps: [(sealingKey: Int64, kekVersion: String, wrapped: [UInt8])]
    ) async throws(LedgerError) {
        try await pool.transaction { connection throws(LedgerError) in
            for wrap in wraps {
                try Self.putWrap(
                    sealingKey: wrap.sealingKey, root: root, kekVersion: wrap.kekVersion, wrapped: wrap.wrapped,
                    on: connection)
            }
            try connection.execute(
                "UPDATE root_keys SET rotated_at = $2 WHERE id = $1", .integer(root), Timestamp.now().column)
            _ = try Self.nextGeneration(on: connection)
        }
    }

    /// Starts (or resumes) a move to the root key `uri`: a pending root key row, with the
    /// configuration's fields that are not secret (nil: named by a URI alone). A pending row for
    /// another URI is dropped with its wrapped forms.
    public func pendingRoot(
        uri: String, provider: String, kekID: String, by principal: String?, fields: String? = nil
    ) async throws(LedgerError) -> Int64 {
        try await pool.transaction { connection throws(LedgerError) in
            if let row = try connection.queryRow(
                "SELECT id FROM root_keys WHERE state = 'pending' AND uri = $1", .text(uri))
            {
                let id = try row.int64(0)
                try connection.execute(
                    "UPDATE root_keys SET fields = $2, configured_by = $3, configured_at = $4 WHERE id = $1",
                    .integer(id), .optional(fields), .optional(principal), Timestamp.now().column)
                return id
            }
            try connection.execute(
                "DELETE FROM sealing_key_wraps WHERE root_key_id IN (SELECT id FROM root_keys WHERE state = 'pending')")
            try connection.execute("UPDATE root_keys SET state = 'retired' WHERE state = 'pending'")
            return try Self.insertRoot(
                uri: uri, provider: provider, kekID: kekID, state: .pending, by: principal, fields: fields,
                on: connection)
        }
    }

    /// Records a new configuration of the active root key `root` (same URI; other credentials
    /// or fields): who and when. Bumps the key generation so other processes reload.
    public func reconfigureRoot(_ root: Int64, fields: String?, by principal: String?) async throws(LedgerError) {
        try await pool.transaction { connection throws(LedgerError) in
            let changed = try connection.execute(
                """
                UPDATE root_keys SET fields = $2, configured_by = $3, configured_at = $4
                WHERE id = $1 AND state = 'active'
                """, .integer(root), .optional(fields), .optional(principal), Timestamp.now().column)
            guard changed == 1 else { throw LedgerError(.conflict, "the root key changed meanwhile") }
            _ = try Self.nextGeneration(on: connection)
        }
    }

    /// Records sealing key `sealingKey` wrapped by root key `root`.
    public func putWrap(
        sealingKey: Int64, root: Int64, kekVersion: String, wrapped: [UInt8]
    ) async throws(LedgerError) {
        try await pool.transaction { connection throws(LedgerError) in
            try Self.putWrap(
                sealingKey: sealingKey, root: root, kekVersion: kekVersion, wrapped: wrapped, on: connection)
        }
    }

    /// Makes pending root key `pending` the active one, provided every sealing key in use has a
    /// wrapped form under it; the previous root key is retired and its wrapped forms dropped.
    public func activateRoot(_ pending: Int64) async throws(LedgerError) {
        try await pool.transaction { connection throws(LedgerError) in
            let missing = try connection.query(
                """
                SELECT count(*) FROM sealing_keys s WHERE s.state <> 'retired' AND NOT EXISTS
                (SELECT 1 FROM sealing_key_wraps w WHERE w.sealing_key_id = s.id AND w.root_key_id = $1)
                """, .integer(pending))[0].int(0)
            guard missing == 0 else {
                throw LedgerError(.conflict, "\(missing) sealing key(s) are not yet wrapped by the new root key")
            }
            try connection.execute("UPDATE root_keys SET state = 'retired' WHERE state = 'active'")
            let changed = try connection.execute(
                "UPDATE root_keys SET state = 'active' WHERE id = $1 AND state = 'pending'", .integer(pending))
            guard changed == 1 else { throw LedgerError(.conflict, "the root key change was superseded") }
            try connection.execute(
                "DELETE FROM sealing_key_wraps WHERE root_key_id IN (SELECT id FROM root_keys WHERE state = 'retired')")
            _ = try Self.nextGeneration(on: connection)
        }
    }

    /// Adds a fresh sealing key, wrapped by `root`, as the active one; the previous active key
    /// becomes retiring (it still unseals what is sealed under it). Returns its id.
    public func addSealingKey(root: Int64, kekVersion: String, wrapped: [UInt8]) async throws(LedgerError) -> Int64 {
        try await pool.transaction { connection throws(LedgerError) in
            try connection.execute("UPDATE sealing_keys SET state = 'retiring' WHERE state = 'active'")
            guard
                let row = try connection.queryRow(
                    "INSERT INTO sealing_keys (state, created_at) VALUES ('active', $1) RETURNING id",
                    Timestamp.now().column)
            else { throw LedgerError(.database, "no sealing key id returned") }
            let id = try row.int64(0)
            try Self.putWrap(sealingKey: id, root: root, kekVersion: kekVersion, wrapped: wrapped, on: connection)
            _ = try Self.nextGeneration(on: connection)
            return id
        }
    }

    /// Up to `limit` live key versions whose identity is sealed under another key than `active`.
    public func versionsToReseal(active: Int64, limit: Int) async throws(LedgerError) -> [KeyVersion] {
        try await pool.read { connection throws(LedgerError) in
            try connection.query(
                """
                SELECT \(Self.keyColumns) FROM actor_keys
                WHERE sealed_identity IS NOT NULL AND sealing_key_id <> $1
                ORDER BY COALESCE(actor_id, ''), version LIMIT $2
                """, .integer(active), .int(limit)
            ).map(Self.keyVersion(from:))
        }
    }

    /// Live key versions with no sealed identity: a workspace made before sealed identities.
    public func versionsWithoutSealedIdentity() async throws(LedgerError) -> [KeyVersion] {
        try await pool.read { connection throws(LedgerError) in
            try connection.query(
                "SELECT \(Self.keyColumns) FROM actor_keys WHERE sealed_identity IS NULL AND state <> 'destroyed' ORDER BY version"
            ).map(Self.keyVersion(from:))
        }
    }

    /// Replaces a version's sealed identity if it is still `expected` (nil: none yet); false
    /// when another process changed it meanwhile.
    public func replaceSealedIdentity(
        of version: KeyVersion, expected: SealedIdentity?, with sealed: SealedIdentity
    ) async throws(LedgerError) -> Bool {
        try await pool.transaction { connection throws(LedgerError) in
            var parameters: [SQLValue] = [
                .integer(sealed.sealingKeyID), .blob(sealed.box), .text(version.owner.key), .int(version.version),
            ]
            var matches = "sealed_identity IS NULL"
            if let expected {
                matches = "sealing_key_id = $5 AND sealed_identity = $6"
                parameters += [.integer(expected.sealingKeyID), .blob(expected.box)]
            }
            let changed = try connection.execute(
                """
                UPDATE actor_keys SET sealing_key_id = $1, sealed_identity = $2
                WHERE COALESCE(actor_id, '') = $3 AND version = $4 AND state <> 'destroyed' AND \(matches)
                """, parameters)
            return changed == 1
        }
    }

    /// Retires the sealing keys no identity is sealed under any more (other than the active
    /// one) and drops their wrapped forms. Returns how many.
    @discardableResult
    public func retireUnusedSealingKeys() async throws(LedgerError) -> Int {
        try await pool.transaction { connection throws(LedgerError) in
            let unused = try connection.query(
                """
                SELECT id FROM sealing_keys s WHERE s.state = 'retiring'
                AND NOT EXISTS (SELECT 1 FROM actor_keys k WHERE k.sealing_key_id = s.id)
                """
            ).map { row throws(LedgerError) in try row.int64(0) }
            for id in unused {
                try connection.execute("DELETE FROM sealing_key_wraps WHERE sealing_key_id = $1", .integer(id))
                try connection.execute("UPDATE sealing_keys SET state = 'retired' WHERE id = $1", .integer(id))
            }
            if !unused.isEmpty { _ = try Self.nextGeneration(on: connection) }
            return unused.count
        }
    }

    /// The id of the active sealing key and root key, cheaply: what a running process compares
    /// to notice a reseal or a root change made elsewhere.
    public func rootMarker() async throws(LedgerError) -> String {
        try await pool.read { connection throws(LedgerError) in
            let sealing = try connection.queryRow("SELECT id FROM sealing_keys WHERE state = 'active'")?.int64(0)
            let root = try connection.queryRow("SELECT id FROM root_keys WHERE state = 'active'")?.int64(0)
            return "\(root ?? 0)/\(sealing ?? 0)"
        }
    }
}
