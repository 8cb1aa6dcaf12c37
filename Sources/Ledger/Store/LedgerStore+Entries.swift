import ActorKeys
import Envelope
import Registry

/// StoredEntry is a row as written: metadata and the stored payload (plaintext or record).
public struct StoredEntry: Sendable {
    public let id: EntryID
    public let actor: ActorID
    public let kind: String
    public let createdAt: Timestamp
    public let protection: Protection
    public let dataKey: DataKeyID?
    public let format: PayloadFormat
    public let payload: [UInt8]

    public init(
        id: EntryID, actor: ActorID, kind: String, createdAt: Timestamp, protection: Protection, dataKey: DataKeyID?,
        format: PayloadFormat, payload: [UInt8]
    ) {
        self.id = id
        self.actor = actor
        self.kind = kind
        self.createdAt = createdAt
        self.protection = protection
        self.dataKey = dataKey
        self.format = format
        self.payload = payload
    }
}

/// Resealed says a row now has another protection: new owner column, data key and record.
public struct Resealed: Sendable {
    public let entry: EntryID
    public let previousDataKey: DataKeyID
    public let protection: Protection
    public let dataKey: DataKeyID
    public let record: [UInt8]

    public init(entry: EntryID, previousDataKey: DataKeyID, protection: Protection, dataKey: DataKeyID, record: [UInt8])
    {
        self.entry = entry
        self.previousDataKey = previousDataKey
        self.protection = protection
        self.dataKey = dataKey
        self.record = record
    }
}

extension LedgerStore {
    static let entryColumns =
        "seq, id, actor_id, kind, created_at, protection, prompt_encryption_actor_id, data_key_id, payload_format, length(payload)"
    static let entryByID = "SELECT \(entryColumns), payload FROM ledger_entries WHERE id = $1"
    /// Reads the `entryColumns` and then the payload of the current row.
    static func entryWithPayload(_ cursor: SQLCursor) throws(LedgerError) -> (LedgerEntry, [UInt8]) {
        (try entry(from: cursor), try cursor.blob(10))
    }

    /// Reads the `entryColumns` of the current row in place.
    static func entry(from cursor: SQLCursor) throws(LedgerError) -> LedgerEntry {
        let actor = try ActorID(stored: try cursor.string(2))
        let protection: Protection
        let encrypted = try cursor.withText(5) { text throws(LedgerError) -> Bool in
            if text.elementsEqual("encrypted".utf8) { return true }
            if text.elementsEqual("plaintext".utf8) { return false }
            throw LedgerError(.corrupt, "unknown protection")
        }
        if encrypted {
            protection = cursor.isNull(6) ? .shared : .actor(try ActorID(stored: try cursor.string(6)))
        } else {
            protection = .plaintext
        }
        let dataKey =
            cursor.isNull(7)
            ? nil
            : try cursor.withText(7) { text throws(LedgerError) -> DataKeyID in
                guard let id = DataKeyID(hex: text) else {
                    throw LedgerError(.corrupt, "stored data key id is invalid")
                }
                return id
            }
        let format = try cursor.withText(8) { text throws(LedgerError) -> PayloadFormat in
            if text.elementsEqual("text".utf8) { return .text }
            if text.elementsEqual("binary".utf8) { return .binary }
            throw LedgerError(.corrupt, "unknown payload format")
        }
        return LedgerEntry(
            id: try cursor.withText(1) { text throws(LedgerError) in try EntryID(stored: text) },
            sequence: try cursor.int64(0), actor: actor,
            kind: try cursor.string(3), createdAt: Timestamp(column: try cursor.int64(4)), protection: protection,
            dataKey: dataKey,
            format: format, storedLength: try cursor.int(9))
    }

    /// The `prompt_encryption_actor_id` of a row: NULL exactly for the shared key; the writer
    /// for plaintext rows; the key's actor otherwise.
    static func encryptionActor(_ protection: Protection, writer: ActorID) -> SQLValue {
        switch protection {
        case .shared: .null
        case .plaintext: .text(writer.rawValue)
        case .actor(let id): .text(id.rawValue)
        }
    }

    /// The error of an insert under a data key that was erased meanwhile: seal again and retry.
    public static let dataKeyErased = LedgerError(.staleKeys, "a data key of this batch was erased meanwhile")

    static let insertColumns = [
        "id", "actor_id", "kind", "created_at", "protection", "prompt_encryption_actor_id", "data_key_id",
        "payload_format", "payload",
    ]

    /// Inserts entries in one transaction (a prepared INSERT a row on SQLite, binary COPY on
    /// PostgreSQL). The data keys they were sealed with are locked for the transaction and
    /// must not be erased: an erasure (re-encryption, shred) then waits for the insert, or the
    /// insert fails with `dataKeyErased`, so no row is ever stored under a key that no longer
    /// exists.
    public func insert(_ entries: [StoredEntry]) async throws(LedgerError) {
        guard !entries.isEmpty else { return }
        let dataKeys = Array(Set(entries.compactMap(\.dataKey)))
        let rows = Self.rows(entries, dataKeys: dataKeys)
        try await pool.transaction { connection throws(LedgerError) in
            try Self.lockLiveDataKeys(dataKeys, on: connection)
            try connection.insert(into: "ledger_entries", columns: Self.insertColumns, rows: rows)
        }
    }

    /// The column values of `entries`; each data key's hex is made once.
    private static func rows(_ entries: [StoredEntry], dataKeys: [DataKeyID]) -> [[SQLValue]] {
        var hex: [DataKeyID: SQLValue] = [:]
        for id in dataKeys { hex[id] = .text(id.hex) }
        return entries.map { entry in
            [
                .text(entry.id.rawValue), .text(entry.actor.rawValue), .text(entry.kind), entry.createdAt.column,
                .text(entry.protection == .plaintext ? "plaintext" : "encrypted"),
                encryptionActor(entry.protection, writer: entry.actor),
                entry.dataKey.flatMap { hex[$0] } ?? .null, .text(entry.format.rawValue), .blob(entry.payload),
            ]
        }
    }

    /// Locks `ids` until the transaction ends and checks none is erased.
    static func lockLiveDataKeys(_ ids: [DataKeyID], on connection: SQLConnection) throws(LedgerError) {
        guard !ids.isEmpty else { return }
        let placeholders = (1...ids.count).map { "$\($0)" }.joined(separator: ", ")
        let lock = connection.dialect == .postgres ? " FOR SHARE" : ""
        let live = try connection.query(
            "SELECT id FROM data_keys WHERE id IN (\(placeholders)) AND state <> 'erased'\(lock)",
            ids.map { .text($0.hex) })
        guard live.count == ids.count else { throw dataKeyErased }
    }

    /// One entry with its stored payload.
    public func entry(_ id: EntryID) async throws(LedgerError) -> (LedgerEntry, [UInt8])? {
        try await pool.read { connection throws(LedgerError) in
            try connection.query(Self.entryByID, [.text(id.rawValue)], Self.entryWithPayload).first
        }
    }

    /// Entries by id with their stored payloads, in one trip to the database and one snapshot:
    /// one element per id, in order, nil where no entry has that id. The ids go to the
    /// database in a few statements, not one each: PostgreSQL gets them all as one array,
    /// SQLite in lists of `idsPerStatement`.
    public func entries(_ ids: [EntryID]) async throws(LedgerError) -> [(LedgerEntry, [UInt8])?] {
        try await entries(ids) { _, payload in Array(payload) }
    }

    /// Entries by id as above, each stored payload handed in place to `transform`, which runs
    /// on the database's queue while the row is current and must not keep the pointer.
    public func entries<Payload: Sendable>(
        _ ids: [EntryID], transform: @escaping @Sendable (LedgerEntry, UnsafeRawBufferPointer) -> Payload
    ) async throws(LedgerError) -> [(LedgerEntry, Payload)?] {
        guard !ids.isEmpty else { return [] }
        let found = try await pool.read { connection throws(LedgerError) -> [String: (LedgerEntry, Payload)] in
            try connection.readTransaction { () throws(LedgerError) in
                var found: [String: (LedgerEntry, Payload)] = [:]
                found.reserveCapacity(ids.count)
                for chunk in Self.statements(for: ids, on: connection.dialect) {
                    let rows = try connection.query(chunk.sql, chunk.parameters) { cursor throws(LedgerError) in
                        let entry = try Self.entry(from: cursor)
                        return (entry, try cursor.withBlob(10) { payload in transform(entry, payload) })
                    }
                    for row in rows { found[row.0.id.rawValue] = row }
                }
                return found
            }
        }
        return ids.map { found[$0.rawValue] }
    }

    static let idsPerStatement = 256
    static let entriesByIDs = [
        SQLDialect.sqlite:
            "SELECT \(entryColumns), payload FROM ledger_entries WHERE id IN (\((1...idsPerStatement).map { "$\($0)" }.joined(separator: ", ")))",
        SQLDialect.postgres: "SELECT \(entryColumns), payload FROM ledger_entries WHERE id = ANY($1::text[])",
    ]

    /// The statements that look `ids` up: one with a text array on PostgreSQL; on SQLite lists
    /// of a fixed length (so one prepared statement serves), the last padded with a repeat.
    private static func statements(
        for ids: [EntryID], on dialect: SQLDialect
    ) -> [(sql: String, parameters: [SQLValue])] {
        let sql = entriesByIDs[dialect]!
        switch dialect {
        case .postgres:
            // Entry ids are ULIDs: no character of theirs needs quoting in an array literal.
            return [(sql, [.text("{" + ids.map(\.rawValue).joined(separator: ",") + "}")])]
        case .sqlite:
            return stride(from: 0, to: ids.count, by: idsPerStatement).map { start in
                let chunk = ids[start..<min(start + idsPerStatement, ids.count)]
                var parameters = chunk.map { SQLValue.text($0.rawValue) }
                parameters += Array(
                    repeating: parameters[parameters.count - 1], count: idsPerStatement - parameters.count)
                return (sql, parameters)
            }
        }
    }

    /// Entries in sequence order, optionally of one writer, after a sequence number.
    public func entries(
        actor: ActorID? = nil, after sequence: Int64 = 0, limit: Int = 100
    ) async throws(LedgerError) -> [LedgerEntry] {
        try await pool.read { connection throws(LedgerError) in
            if let actor {
                try connection.query(
                    "SELECT \(Self.entryColumns) FROM ledger_entries WHERE actor_id = $1 AND seq > $2 ORDER BY seq LIMIT $3",
                    [.text(actor.rawValue), .integer(sequence), .int(limit)], Self.entry(from:))
            } else {
                try connection.query(
                    "SELECT \(Self.entryColumns) FROM ledger_entries WHERE seq > $1 ORDER BY seq LIMIT $2",
                    [.integer(sequence), .int(limit)],
                    Self.entry(from:))
            }
        }
    }

    /// Shared-key rows whose writer now has an active key of its own: what `ledger migrate`
    /// moves. Optionally of one writer.
    public func sharedEntriesToMigrate(
        actor: ActorID?, after sequence: Int64, limit: Int
    ) async throws(LedgerError) -> [(LedgerEntry, [UInt8])] {
        try await pool.read { connection throws(LedgerError) in
            try connection.query(
                """
                SELECT \(Self.entryColumns), payload FROM ledger_entries
                WHERE protection = 'encrypted' AND prompt_encryption_actor_id IS NULL AND seq > $1
                  AND ($2 = '' OR actor_id = $2)
                  AND actor_id IN (SELECT actor_id FROM actor_keys WHERE state = 'active' AND actor_id IS NOT NULL)
                ORDER BY seq LIMIT $3
                """, [.integer(sequence), .text(actor?.rawValue ?? ""), .int(limit)], Self.entryWithPayload)
        }
    }

    /// Rows sealed under data keys of `owner` in `state` (re-encryption's work list).
    public func entries(
        underDataKeysOf owner: Owner, in state: DataKeyState, after sequence: Int64, limit: Int
    ) async throws(LedgerError) -> [(LedgerEntry, [UInt8])] {
        try await pool.read { connection throws(LedgerError) in
            try connection.query(
                """
                SELECT \(Self.entryColumns), payload FROM ledger_entries
                WHERE seq > $1 AND data_key_id IN (SELECT id FROM data_keys WHERE COALESCE(actor_id, '') = $2 AND state = $3)
                ORDER BY seq LIMIT $4
                """, [.integer(sequence), .text(owner.key), .text(state.rawValue), .int(limit)], Self.entryWithPayload)
        }
    }

    /// Writes resealed rows in one transaction. A row whose data key is no longer the one it was
    /// read under (another process moved it meanwhile) is left alone; returns how many changed.
    public func reseal(_ rows: [Resealed]) async throws(LedgerError) -> Int {
        let dataKeys = Array(Set(rows.map(\.dataKey)))
        return try await pool.transaction { connection throws(LedgerError) in
            try Self.lockLiveDataKeys(dataKeys, on: connection)
            var changed = 0
            for row in rows {
                let writer: SQLValue = if case .actor(let id) = row.protection { .text(id.rawValue) } else { .null }
                changed += try connection.execute(
                    """
                    UPDATE ledger_entries SET prompt_encryption_actor_id = $2, data_key_id = $3, payload = $4
                    WHERE id = $1 AND data_key_id = $5
                    """, .text(row.entry.rawValue), writer, .text(row.dataKey.hex), .blob(row.record),
                    .text(row.previousDataKey.hex))
            }
            return changed
        }
    }
}
