import ActorKeys
import Registry

extension LedgerStore {
    static let keyColumns = "actor_id, version, name, recipient, state, created_at, sealing_key_id, sealed_identity"

    static func keyVersion(from row: SQLRow) throws(LedgerError) -> KeyVersion {
        guard let state = KeyState(rawValue: try row.string(4)) else {
            throw LedgerError(.corrupt, "unknown key state")
        }
        let storedName = try row.string(2)
        let storedRecipient = try row.string(3)
        let name: KeyName
        let recipient: AgeRecipient
        do {
            name = try KeyName(storedName)
            recipient = try AgeRecipient(parsingRecorded: storedRecipient)
        } catch {
            throw LedgerError(.corrupt, "stored key version is invalid: \(error.message)")
        }
        let sealed: SealedIdentity? =
            if let sealingKey = try row.optionalInt64(6), let box = try row.optionalBlob(7) {
                SealedIdentity(sealingKeyID: sealingKey, box: box)
            } else {
                nil
            }
        return KeyVersion(
            owner: try Owner(column: try row.optionalString(0)), version: try row.int(1), name: name,
            recipient: recipient, state: state, createdAt: Timestamp(column: try row.int64(5)), sealed: sealed)
    }

    static func keyring(for owner: Owner, on connection: SQLConnection) throws(LedgerError) -> Keyring {
        let rows = try connection.query(
            "SELECT \(keyColumns) FROM actor_keys WHERE COALESCE(actor_id, '') = $1 ORDER BY version DESC",
            .text(owner.key))
        var versions: [KeyVersion] = []
        for row in rows { versions.append(try keyVersion(from: row)) }
        return Keyring(owner: owner, versions: versions)
    }

    public func keyringOf(_ owner: Owner) async throws(LedgerError) -> Keyring {
        try await pool.read { connection throws(LedgerError) in try Self.keyring(for: owner, on: connection) }
    }

    /// Every owner that has or had a key, the shared key first.
    public func owners() async throws(LedgerError) -> [Owner] {
        try await pool.read { connection throws(LedgerError) in
            var owners: [Owner] = []
            for row in try connection.query("SELECT DISTINCT actor_id FROM actor_keys ORDER BY actor_id") {
                owners.append(try Owner(column: try row.optionalString(0)))
            }
            return owners.sorted { ($0.actor?.rawValue ?? "") < ($1.actor?.rawValue ?? "") }
        }
    }

    /// Bumps the key generation and returns the new value; announces the change on PostgreSQL.
    static func nextGeneration(on connection: SQLConnection) throws(LedgerError) -> Int64 {
        guard
            let row = try connection.queryRow(
                "UPDATE key_generation SET generation = generation + 1 WHERE id = 1 RETURNING generation")
        else {
            throw LedgerError(.corrupt, "key_generation has no row")
        }
        if connection.dialect == .postgres { try connection.execute("NOTIFY \(keyChannel)") }
        return try row.int64(0)
    }

    /// Adds a new active version to `owner` inside the caller's transaction: the current
    /// active version, if any, becomes decrypt-only. Returns the new version and the previous
    /// active one.
    static func addActiveVersion(
        _ key: NewKeyVersion, on connection: SQLConnection
    ) throws(LedgerError) -> (added: KeyVersion, previous: KeyVersion?) {
        let generation = try nextGeneration(on: connection)
        let now = Timestamp.now()
        let keyring = try keyring(for: key.owner, on: connection)
        let previous = keyring.active
        if let previous {
            try connection.execute(
                "UPDATE actor_keys SET state = 'decrypt-only', changed_at = $3, generation = $4 WHERE COALESCE(actor_id, '') = $1 AND version = $2",
                .text(key.owner.key), .int(previous.version), now.column, .integer(generation))
        }
        let version = (keyring.versions.map(\.version).max() ?? 0) + 1
        let sealed: SealedIdentity
        do {
            sealed = try key.sealed(as: version)
        } catch {
            throw LedgerError(error, sealing: true)
        }
        do {
            try connection.execute(
                """
                INSERT INTO actor_keys (actor_id, version, name, recipient, fingerprint, state, created_at, changed_at, generation, sealing_key_id, sealed_identity)
                VALUES ($1, $2, $3, $4, $5, 'active', $6, $6, $7, $8, $9)
                """,
                key.owner.column, .int(version), .text(key.name.rawValue), .text(key.recipient.encoded),
                .text(key.fingerprint.hex), now.column, .integer(generation), .integer(sealed.sealingKeyID),
                .blob(sealed.box))
        } catch  where error.code == .conflict {
            throw LedgerError(.conflict, "\(key.owner) already has a key named \(key.name)")
        }
        let added = KeyVersion(
            owner: key.owner, version: version, name: key.name, recipient: key.recipient, state: .active,
            createdAt: now,
            sealed: sealed)
        return (added, previous)
    }

    /// Adds a new active version to `owner` (its first key, or a rotation), in one transaction.
    public func addActiveVersion(
        _ key: NewKeyVersion
    ) async throws(LedgerError) -> (added: KeyVersion, previous: KeyVersion?) {
        try await pool.transaction { connection throws(LedgerError) in try Self.addActiveVersion(key, on: connection) }
    }

    /// Sets the state of one version (retire, destroy), bumping the key generation. Destroying a
    /// version drops its sealed identity from the row.
    static func setKeyState(
        _ state: KeyState, owner: Owner, version: Int, on connection: SQLConnection
    ) throws(LedgerError) {
        let generation = try nextGeneration(on: connection)
        let changed = try connection.execute(
            "UPDATE actor_keys SET state = $3, changed_at = $4, generation = $5, sealed_identity = CASE WHEN $3 = 'destroyed' THEN NULL ELSE sealed_identity END, sealing_key_id = CASE WHEN $3 = 'destroyed' THEN NULL ELSE sealing_key_id END WHERE COALESCE(actor_id, '') = $1 AND version = $2",
            .text(owner.key), .int(version), .text(state.rawValue), Timestamp.now().column, .integer(generation))
        guard changed == 1 else { throw LedgerError(.notFound, "\(owner) has no key version \(version)") }
    }

    static func keyChanges(since generation: Int64?, on connection: SQLConnection) throws(LedgerError) -> KeyChanges {
        guard let row = try connection.queryRow("SELECT generation FROM key_generation WHERE id = 1") else {
            throw LedgerError(.corrupt, "key_generation has no row")
        }
        let current = try row.int64(0)
        guard let generation, generation < current else { return KeyChanges(generation: current, owners: []) }
        var owners: Set<Owner> = []
        for row in try connection.query(
            "SELECT DISTINCT actor_id FROM actor_keys WHERE generation > $1", .integer(generation))
        {
            owners.insert(try Owner(column: try row.optionalString(0)))
        }
        return KeyChanges(generation: current, owners: owners)
    }
}
