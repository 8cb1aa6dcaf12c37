import ActorKeys
import Envelope
import Registry

extension LedgerStore {
    static let dataKeyColumns = "id, actor_id, wrapped, fingerprints, state, created_at"

    static func dataKey(from row: SQLRow) throws(LedgerError) -> StoredDataKey {
        guard let id = DataKeyID(hex: try row.string(0)) else {
            throw LedgerError(.corrupt, "stored data key id is invalid")
        }
        guard let state = DataKeyState(rawValue: try row.string(4)) else {
            throw LedgerError(.corrupt, "unknown data key state")
        }
        let fingerprints = try row.string(3).split(separator: " ").compactMap { Fingerprint(hex: String($0)) }
        return StoredDataKey(
            id: id, owner: try Owner(column: try row.optionalString(1)), wrapped: try row.optionalBlob(2),
            fingerprints: fingerprints, state: state, createdAt: Timestamp(column: try row.int64(5)))
    }

    /// The error of a data key wrapped only to destroyed key versions (a stale keyring).
    public static let wrappedToDestroyedKeys = LedgerError(
        .staleKeys, "the data key is wrapped only to destroyed key versions")

    /// Stores a new data key with `claim` records claimed, and closes the owner's other sealing
    /// keys. The key versions it is wrapped to are locked for the transaction and at least one
    /// must still be alive: a concurrent `retire` waits, or this fails with
    /// `wrappedToDestroyedKeys`, so no data key ever depends on an erased identity alone.
    static func insertDataKey(
        _ key: StoredDataKey, claiming claim: Int, on connection: SQLConnection
    ) throws(LedgerError) {
        try connection.transaction { () throws(LedgerError) in
            let placeholders = (0..<key.fingerprints.count).map { "$\($0 + 2)" }.joined(separator: ", ")
            let lock = connection.dialect == .postgres ? " FOR SHARE" : ""
            let live =
                key.fingerprints.isEmpty
                ? []
                : try connection.query(
                    "SELECT version FROM actor_keys WHERE COALESCE(actor_id, '') = $1 AND fingerprint IN (\(placeholders)) AND state <> 'destroyed'\(lock)",
                    [.text(key.owner.key)] + key.fingerprints.map { .text($0.hex) })
            guard !live.isEmpty else { throw wrappedToDestroyedKeys }
            try connection.execute(
                "UPDATE data_keys SET state = 'closed', closed_at = $2 WHERE COALESCE(actor_id, '') = $1 AND state = 'sealing'",
                .text(key.owner.key), key.createdAt.column)
            try connection.execute(
                """
                INSERT INTO data_keys (id, actor_id, wrapped, fingerprints, state, records, created_at, minted_fingerprints)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $4)
                """,
                .text(key.id.hex), key.owner.column, key.wrapped.map(SQLValue.blob) ?? .null,
                .text(key.fingerprints.map(\.hex).joined(separator: " ")), .text(key.state.rawValue), .int(claim),
                key.createdAt.column)
        }
    }

    static func dataKey(_ id: DataKeyID, on connection: SQLConnection) throws(LedgerError) -> StoredDataKey? {
        try connection.queryRow("SELECT \(dataKeyColumns) FROM data_keys WHERE id = $1", .text(id.hex)).map(
            dataKey(from:))
    }

    /// Every data key of `owner`, oldest first.
    public func dataKeys(of owner: Owner) async throws(LedgerError) -> [StoredDataKey] {
        try await pool.read { connection throws(LedgerError) in
            try connection.query(
                "SELECT \(Self.dataKeyColumns) FROM data_keys WHERE COALESCE(actor_id, '') = $1 ORDER BY created_at, id",
                .text(owner.key)
            ).map(Self.dataKey(from:))
        }
    }

    /// Moves data keys of `owner` in `from` states to `to` (and records when they closed).
    @discardableResult
    public func setDataKeyState(
        owner: Owner, from: [DataKeyState], to state: DataKeyState
    ) async throws(LedgerError) -> Int {
        try await pool.write { connection throws(LedgerError) in
            try Self.setDataKeyState(owner: owner, from: from, to: state, on: connection)
        }
    }

    static func setDataKeyState(
        owner: Owner, from: [DataKeyState], to state: DataKeyState, on connection: SQLConnection
    ) throws(LedgerError) -> Int {
        let states = from.map { "'\($0.rawValue)'" }.joined(separator: ", ")
        let wrapped = state == .erased ? ", wrapped = NULL" : ""
        return try connection.execute(
            """
            UPDATE data_keys SET state = $2, closed_at = COALESCE(closed_at, $3)\(wrapped)
            WHERE COALESCE(actor_id, '') = $1 AND state IN (\(states))
            """,
            .text(owner.key), .text(state.rawValue), Timestamp.now().column)
    }

    /// Erases one data key's wrapped form.
    public func erase(dataKey id: DataKeyID) async throws(LedgerError) {
        _ = try await pool.write { connection throws(LedgerError) in
            try connection.execute(
                "UPDATE data_keys SET state = 'erased', wrapped = NULL, closed_at = COALESCE(closed_at, $2) WHERE id = $1",
                .text(id.hex), Timestamp.now().column)
        }
    }
}

// MARK: - The registry's store

extension LedgerStore: KeyMaterialStore {
    public func keyring(for owner: Owner) async throws(RegistryError) -> Keyring {
        try await bridge { () throws(LedgerError) in try await self.keyringOf(owner) }
    }

    public func dataKey(id: DataKeyID) async throws(RegistryError) -> StoredDataKey? {
        try await bridge { () throws(LedgerError) in
            try await self.pool.read { connection throws(LedgerError) in try Self.dataKey(id, on: connection) }
        }
    }

    public func insertDataKey(_ key: StoredDataKey, claiming claim: Int) async throws(RegistryError) {
        try await bridge { () throws(LedgerError) in
            try await self.pool.write { connection throws(LedgerError) in
                try Self.insertDataKey(key, claiming: claim, on: connection)
            }
        }
    }

    /// One conditional update: the row's own state, age and count decide, so concurrent claims
    /// from any number of processes never exceed `maxRecords`.
    public func claimRecords(
        of id: DataKeyID, count: Int, maxRecords: Int, createdAfter: Timestamp
    ) async throws(RegistryError) -> Bool {
        try await bridge { () throws(LedgerError) in
            try await self.pool.write { connection throws(LedgerError) in
                try connection.execute(
                    """
                    UPDATE data_keys SET records = records + $2
                    WHERE id = $1 AND state = 'sealing' AND created_at > $4 AND records + $2 <= $3
                    """, .text(id.hex), .int(count), .int(maxRecords), createdAfter.column) == 1
            }
        }
    }

    /// One statement that picks the newest claimable key and claims on it; the outer condition
    /// is checked again on the row it updates (PostgreSQL re-reads a row another transaction
    /// updated first; SQLite has one writer).
    public func claimSealingKey(
        of owner: Owner, wrappedTo active: Fingerprint, count: Int, maxRecords: Int, createdAfter: Timestamp
    ) async throws(RegistryError) -> StoredDataKey? {
        try await bridge { () throws(LedgerError) in
            try await self.pool.write { connection throws(LedgerError) in
                try connection.queryRow(
                    """
                    UPDATE data_keys SET records = records + $3
                    WHERE id = (
                        SELECT id FROM data_keys
                        WHERE COALESCE(actor_id, '') = $1 AND state = 'sealing' AND fingerprints LIKE $2
                          AND created_at > $5 AND records + $3 <= $4
                        ORDER BY created_at DESC, id DESC LIMIT 1)
                      AND state = 'sealing' AND created_at > $5 AND records + $3 <= $4
                    RETURNING \(Self.dataKeyColumns)
                    """, .text(owner.key), .text(active.hex + "%"), .int(count), .int(maxRecords), createdAfter.column
                ).map(Self.dataKey(from:))
            }
        }
    }

    /// One statement (the data key joined to its owner's key versions) on a reader: a point
    /// read that runs inline on SQLite (see `ConnectionPool.pointRead`).
    public func dataKeyAndKeyring(id: DataKeyID) async throws(RegistryError) -> (StoredDataKey, Keyring)? {
        try await bridge { () throws(LedgerError) in
            try await self.pool.pointRead { connection throws(LedgerError) in
                let rows = try connection.query(Self.dataKeyWithKeyring, .text(id.hex))
                guard let first = rows.first else { return nil }
                let stored = try Self.dataKey(from: SQLRow(Array(first.values[0..<6])))
                var versions: [KeyVersion] = []
                for row in rows where !row.isNull(7) {
                    versions.append(try Self.keyVersion(from: SQLRow(Array(row.values[6...]))))
                }
                return (stored, Keyring(owner: stored.owner, versions: versions))
            }
        }
    }

    /// Replaces a data key's wrapped form (rewrap), provided it is still wrapped as `expected`
    /// says: a concurrent rewrap of the same key makes this a no-op rather than a lost update.
    public func replaceWrapping(
        of id: DataKeyID, expected: [Fingerprint], wrapped: [UInt8], fingerprints: [Fingerprint]
    ) async throws(RegistryError) -> Bool {
        try await bridge { () throws(LedgerError) in
            try await self.pool.write { connection throws(LedgerError) in
                try connection.execute(
                    "UPDATE data_keys SET wrapped = $2, fingerprints = $3 WHERE id = $1 AND fingerprints = $4 AND state <> 'erased'",
                    .text(id.hex), .blob(wrapped), .text(fingerprints.map(\.hex).joined(separator: " ")),
                    .text(expected.map(\.hex).joined(separator: " "))) == 1
            }
        }
    }

    static let dataKeyWithKeyring = """
        SELECT d.id, d.actor_id, d.wrapped, d.fingerprints, d.state, d.created_at,
               k.actor_id, k.version, k.name, k.recipient, k.state, k.created_at, k.sealing_key_id, k.sealed_identity
        FROM data_keys d LEFT JOIN actor_keys k ON COALESCE(k.actor_id, '') = COALESCE(d.actor_id, '')
        WHERE d.id = $1 ORDER BY k.version DESC
        """

    public func keyChanges(since generation: Int64?) async throws(RegistryError) -> KeyChanges {
        try await bridge { () throws(LedgerError) in
            try await self.pool.read { connection throws(LedgerError) in
                try Self.keyChanges(since: generation, on: connection)
            }
        }
    }

    /// The registry's view of a storage failure: the stale keyring it retries on, an
    /// unreachable store, or any other failure. Nothing else is retried.
    private func bridge<Result>(_ body: () async throws(LedgerError) -> Result) async throws(RegistryError) -> Result {
        do {
            return try await body()
        } catch {
            switch error.code {
            case .staleKeys: throw RegistryError(.staleKeyring, error.message)
            case .connection: throw RegistryError(.storeUnavailable, error.message)
            default: throw RegistryError(.store, error.message)
            }
        }
    }
}
