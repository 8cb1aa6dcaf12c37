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

    public init(id: EntryID, actor: ActorID, kind: String, createdAt: Timestamp, protection: Protection, dataKey: DataKeyID?, format: PayloadFormat, payload: [UInt8]) {
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

    public init(entry: EntryID, previousDataKey: DataKeyID, protection: Protection, dataKey: DataKeyID, record: [UInt8]) {
        self.entry = entry
        self.previousDataKey = previousDataKey
        self.protection = protection
        self.dataKey = dataKey
        self.record = record
    }
}

extension LedgerStore {
    static let entryColumns = "seq, id, actor_id, kind, created_at, protection, prompt_encryption_actor_id, data_key_id, payload_format, length(payload)"
    /// Rows per INSERT statement: well under both backends' parameter limits.
    static let insertChunk = 200

    static func entry(from row: SQLRow) throws(LedgerError) -> LedgerEntry {
        let actor = try ActorID(stored: try row.string(2))
        let protection: Protection
        switch try row.string(5) {
        case "plaintext": protection = .plaintext
        case "encrypted": protection = try row.optionalString(6).map { text throws(LedgerError) in .actor(try ActorID(stored: text)) } ?? .shared
        default: throw LedgerError(.corrupt, "unknown protection")
        }
        let dataKey = try row.optionalString(7).map { text throws(LedgerError) -> DataKeyID in
            guard let id = DataKeyID(hex: text) else { throw LedgerError(.corrupt, "stored data key id is invalid") }
            return id
        }
        guard let format = PayloadFormat(rawValue: try row.string(8)) else { throw LedgerError(.corrupt, "unknown payload format") }
        return LedgerEntry(
            id: try EntryID(try row.string(1)), sequence: try row.int64(0), actor: actor, kind: try row.string(3),
            createdAt: Timestamp(column: try row.int64(4)), protection: protection, dataKey: dataKey, format: format,
            storedLength: try row.int(9))
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
    public static let dataKeyErased = LedgerError(.conflict, "a data key of this batch was erased meanwhile")

    /// Inserts entries in one transaction, a few hundred rows per statement. The data keys they
    /// were sealed with are locked for the transaction and must not be erased: an erasure
    /// (re-encryption, shred) then waits for the insert, or the insert fails with
    /// `dataKeyErased`, so no row is ever stored under a key that no longer exists.
    public func insert(_ entries: [StoredEntry]) async throws(LedgerError) {
        guard !entries.isEmpty else { return }
        let dataKeys = Array(Set(entries.compactMap(\.dataKey)))
        try await pool.transaction { connection throws(LedgerError) in
            try Self.lockLiveDataKeys(dataKeys, on: connection)
            var start = 0
            while start < entries.count {
                let chunk = entries[start..<min(start + Self.insertChunk, entries.count)]
                var values: [String] = []
                var parameters: [SQLValue] = []
                for entry in chunk {
                    let base = parameters.count
                    values.append("(" + (1...9).map { "$\(base + $0)" }.joined(separator: ", ") + ")")
                    parameters += [
                        .text(entry.id.rawValue), .text(entry.actor.rawValue), .text(entry.kind), entry.createdAt.column,
                        .text(entry.protection == .plaintext ? "plaintext" : "encrypted"),
                        Self.encryptionActor(entry.protection, writer: entry.actor),
                        entry.dataKey.map { .text($0.hex) } ?? .null, .text(entry.format.rawValue), .blob(entry.payload),
                    ]
                }
                try connection.execute(
                    """
                    INSERT INTO ledger_entries (id, actor_id, kind, created_at, protection, prompt_encryption_actor_id, data_key_id, payload_format, payload)
                    VALUES \(values.joined(separator: ", "))
                    """, parameters)
                start += chunk.count
            }
        }
    }

    /// Locks `ids` until the transaction ends and checks none is erased.
    static func lockLiveDataKeys(_ ids: [DataKeyID], on connection: SQLConnection) throws(LedgerError) {
        guard !ids.isEmpty else { return }
        let placeholders = (1...ids.count).map { "$\($0)" }.joined(separator: ", ")
        let lock = connection.dialect == .postgres ? " FOR SHARE" : ""
        let live = try connection.query(
            "SELECT id FROM data_keys WHERE id IN (\(placeholders)) AND state <> 'erased'\(lock)", ids.map { .text($0.hex) })
        guard live.count == ids.count else { throw dataKeyErased }
    }

    /// One entry with its stored payload.
    public func entry(_ id: EntryID) async throws(LedgerError) -> (LedgerEntry, [UInt8])? {
        try await pool.read { connection throws(LedgerError) in
            guard let row = try connection.queryRow("SELECT \(Self.entryColumns), payload FROM ledger_entries WHERE id = $1", .text(id.rawValue)) else {
                return nil
            }
            return (try Self.entry(from: row), try row.blob(10))
        }
    }

    /// Entries in sequence order, optionally of one writer, after a sequence number.
    public func entries(actor: ActorID? = nil, after sequence: Int64 = 0, limit: Int = 100) async throws(LedgerError) -> [LedgerEntry] {
        try await pool.read { connection throws(LedgerError) in
            let rows = if let actor {
                try connection.query(
                    "SELECT \(Self.entryColumns) FROM ledger_entries WHERE actor_id = $1 AND seq > $2 ORDER BY seq LIMIT $3",
                    .text(actor.rawValue), .integer(sequence), .int(limit))
            } else {
                try connection.query(
                    "SELECT \(Self.entryColumns) FROM ledger_entries WHERE seq > $1 ORDER BY seq LIMIT $2", .integer(sequence), .int(limit))
            }
            return try rows.map(Self.entry(from:))
        }
    }

    /// Shared-key rows whose writer now has an active key of its own: what `ledger migrate`
    /// moves. Optionally of one writer.
    public func sharedEntriesToMigrate(actor: ActorID?, after sequence: Int64, limit: Int) async throws(LedgerError) -> [(LedgerEntry, [UInt8])] {
        try await pool.read { connection throws(LedgerError) in
            let rows = try connection.query(
                """
                SELECT \(Self.entryColumns), payload FROM ledger_entries
                WHERE protection = 'encrypted' AND prompt_encryption_actor_id IS NULL AND seq > $1
                  AND ($2 = '' OR actor_id = $2)
                  AND actor_id IN (SELECT actor_id FROM actor_keys WHERE state = 'active' AND actor_id IS NOT NULL)
                ORDER BY seq LIMIT $3
                """, .integer(sequence), .text(actor?.rawValue ?? ""), .int(limit))
            return try rows.map { row throws(LedgerError) in (try Self.entry(from: row), try row.blob(10)) }
        }
    }

    /// Rows sealed under data keys of `owner` in `state` (re-encryption's work list).
    public func entries(underDataKeysOf owner: Owner, in state: DataKeyState, after sequence: Int64, limit: Int) async throws(LedgerError) -> [(LedgerEntry, [UInt8])] {
        try await pool.read { connection throws(LedgerError) in
            let rows = try connection.query(
                """
                SELECT \(Self.entryColumns), payload FROM ledger_entries
                WHERE seq > $1 AND data_key_id IN (SELECT id FROM data_keys WHERE COALESCE(actor_id, '') = $2 AND state = $3)
                ORDER BY seq LIMIT $4
                """, .integer(sequence), .text(owner.key), .text(state.rawValue), .int(limit))
            return try rows.map { row throws(LedgerError) in (try Self.entry(from: row), try row.blob(10)) }
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
                    """, .text(row.entry.rawValue), writer, .text(row.dataKey.hex), .blob(row.record), .text(row.previousDataKey.hex))
            }
            return changed
        }
    }
}
