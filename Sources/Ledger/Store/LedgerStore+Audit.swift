import ActorKeys

/// AuditRecord is one row of the audit trail as stored. `hash` commits to every field and to
/// the previous event's hash, so editing, deleting or reordering events breaks the chain.
public struct AuditRecord: Sendable, Hashable, Codable {
    public let sequence: Int64
    public let id: String
    public let occurredAt: Timestamp
    public let eventType: String
    public let principal: String?
    public let targetActor: String?
    public let outcome: String
    /// A JSON object of strings, keys sorted: fingerprints, paths, counts, reasons. Never a secret.
    public let details: String
    public let previousHash: String
    public let hash: String

    /// The hash of an event: SHA-256 over its fields, each length-prefixed, after the previous hash.
    public static func hash(
        previous: String, id: String, occurredAt: Timestamp, eventType: String, principal: String?,
        targetActor: String?, outcome: String, details: String
    ) -> String {
        let fields = [
            previous, id, String(occurredAt.millisecondsSinceEpoch), eventType, principal ?? "\u{0}",
            targetActor ?? "\u{0}", outcome, details,
        ]
        return SHA256.hex(fields.map { "\($0.utf8.count):\($0)" }.joined(separator: "|"))
    }

    /// The hash of the (empty) start of the chain.
    public static let genesis = String(repeating: "0", count: 64)
}

extension LedgerStore {
    static let auditColumns =
        "seq, id, occurred_at, event_type, principal, target_actor, outcome, details, previous_hash, hash"

    static func audit(from row: SQLRow) throws(LedgerError) -> AuditRecord {
        AuditRecord(
            sequence: try row.int64(0), id: try row.string(1), occurredAt: Timestamp(column: try row.int64(2)),
            eventType: try row.string(3), principal: try row.optionalString(4), targetActor: try row.optionalString(5),
            outcome: try row.string(6), details: try row.string(7), previousHash: try row.string(8),
            hash: try row.string(9))
    }

    /// Appends an event at the end of the chain. Appends are serialised (an advisory lock on
    /// PostgreSQL, the single writer on SQLite), so concurrent writers cannot fork the chain.
    public func appendAudit(
        eventType: String, principal: String?, targetActor: String?, outcome: String, details: String
    ) async throws(LedgerError) -> AuditRecord {
        try await pool.transaction { connection throws(LedgerError) in
            if connection.dialect == .postgres { try connection.execute("SELECT pg_advisory_xact_lock(7150002)") }
            let previous =
                try connection.queryRow("SELECT hash FROM audit_events ORDER BY seq DESC LIMIT 1").map {
                    row throws(LedgerError) in try row.string(0)
                }
                ?? AuditRecord.genesis
            let id = Hex.encode(SecretBytes.random(count: 12).withUnsafeBytes { Array($0) })
            let now = Timestamp.now()
            let hash = AuditRecord.hash(
                previous: previous, id: id, occurredAt: now, eventType: eventType, principal: principal,
                targetActor: targetActor, outcome: outcome, details: details)
            guard
                let row = try connection.queryRow(
                    """
                    INSERT INTO audit_events (id, occurred_at, event_type, principal, target_actor, outcome, details, previous_hash, hash)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING \(Self.auditColumns)
                    """,
                    .text(id), now.column, .text(eventType), .optional(principal), .optional(targetActor),
                    .text(outcome), .text(details),
                    .text(previous), .text(hash))
            else { throw LedgerError(.database, "the audit event was not stored") }
            return try Self.audit(from: row)
        }
    }

    /// The newest event's sequence number; 0 when there is none.
    public func lastAuditSequence() async throws(LedgerError) -> Int64 {
        try await pool.read { connection throws(LedgerError) in
            try connection.queryRow("SELECT seq FROM audit_events ORDER BY seq DESC LIMIT 1")?.int64(0) ?? 0
        }
    }

    /// Events in order, after a sequence number, optionally from a time on.
    public func auditEvents(
        after sequence: Int64 = 0, since: Timestamp? = nil, limit: Int = 100
    ) async throws(LedgerError) -> [AuditRecord] {
        try await pool.read { connection throws(LedgerError) in
            try connection.query(
                "SELECT \(Self.auditColumns) FROM audit_events WHERE seq > $1 AND occurred_at >= $2 ORDER BY seq LIMIT $3",
                .integer(sequence), .integer(since?.millisecondsSinceEpoch ?? 0), .int(limit)
            ).map(Self.audit(from:))
        }
    }
}
