import ActorKeys

/// JobRecord is a background job as stored: what it does, whose keys, and how far it got. A
/// job whose process stopped keeps the progress it last wrote.
public struct JobRecord: Sendable, Hashable {
    public enum State: String, Sendable, CaseIterable {
        case running, succeeded, failed
    }

    public let id: String
    public let kind: String
    public let owner: String
    public var state: State
    public var done = 0
    public var failed = 0
    public var skipped = 0
    public var total: Int?
    public var error: String?
    public let startedBy: String?
    public let startedAt: Timestamp
    public var updatedAt: Timestamp
    public var finishedAt: Timestamp?

    public init(id: String, kind: String, owner: String, startedBy: String?, at time: Timestamp = .now()) {
        self.id = id
        self.kind = kind
        self.owner = owner
        self.state = .running
        self.startedBy = startedBy
        self.startedAt = time
        self.updatedAt = time
    }
}

/// ScopeRun is a scope's last rewrap or reseal run: an owner's data keys re-wrapped, or its
/// identities re-sealed, with what failed and what had nothing to do.
public struct ScopeRun: Sendable, Hashable {
    public let scope: String
    public let kind: String
    public let rewrapped: Int
    public let failed: Int
    public let skipped: Int
    public let runAt: Timestamp

    public init(scope: String, kind: String, rewrapped: Int, failed: Int, skipped: Int, runAt: Timestamp = .now()) {
        self.scope = scope
        self.kind = kind
        self.rewrapped = rewrapped
        self.failed = failed
        self.skipped = skipped
        self.runAt = runAt
    }
}

extension LedgerStore {
    static let jobColumns =
        "id, kind, owner, state, done, failed, skipped, total, error, started_by, started_at, updated_at, finished_at"

    /// Writes `job` as it is now (a new one, or its progress).
    public func saveJob(_ job: JobRecord) async throws(LedgerError) {
        _ = try await pool.write { connection throws(LedgerError) in
            try connection.execute(
                """
                INSERT INTO jobs (\(Self.jobColumns)) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
                ON CONFLICT (id) DO UPDATE SET state = excluded.state, done = excluded.done,
                failed = excluded.failed, skipped = excluded.skipped, total = excluded.total,
                error = excluded.error, updated_at = excluded.updated_at, finished_at = excluded.finished_at
                """, .text(job.id), .text(job.kind), .text(job.owner), .text(job.state.rawValue), .int(job.done),
                .int(job.failed), .int(job.skipped), job.total.map(SQLValue.int) ?? .null, .optional(job.error),
                .optional(job.startedBy), job.startedAt.column, job.updatedAt.column,
                job.finishedAt?.column ?? .null)
        }
    }

    /// The job `id`, if it exists.
    public func job(_ id: String) async throws(LedgerError) -> JobRecord? {
        try await pool.read { connection throws(LedgerError) in
            try connection.queryRow("SELECT \(Self.jobColumns) FROM jobs WHERE id = $1", .text(id))
                .map(Self.job(from:))
        }
    }

    /// The most recent jobs, newest first.
    public func recentJobs(limit: Int) async throws(LedgerError) -> [JobRecord] {
        try await pool.read { connection throws(LedgerError) in
            try connection.query(
                "SELECT \(Self.jobColumns) FROM jobs ORDER BY started_at DESC, id LIMIT $1", .int(limit)
            ).map(Self.job(from:))
        }
    }

    static func job(from row: SQLRow) throws(LedgerError) -> JobRecord {
        guard let state = JobRecord.State(rawValue: try row.string(3)) else {
            throw LedgerError(.corrupt, "unknown job state")
        }
        var job = JobRecord(
            id: try row.string(0), kind: try row.string(1), owner: try row.string(2),
            startedBy: try row.optionalString(9), at: Timestamp(column: try row.int64(10)))
        job.state = state
        job.done = try row.int(4)
        job.failed = try row.int(5)
        job.skipped = try row.int(6)
        job.total = try row.optionalInt64(7).map { Int($0) }
        job.error = try row.optionalString(8)
        job.updatedAt = Timestamp(column: try row.int64(11))
        job.finishedAt = try row.optionalInt64(12).map(Timestamp.init(column:))
        return job
    }

    /// Records `run` as its scope's last run.
    public func recordScopeRun(_ run: ScopeRun) async throws(LedgerError) {
        _ = try await pool.write { connection throws(LedgerError) in
            try connection.execute(
                """
                INSERT INTO scope_runs (scope, kind, rewrapped, failed, skipped, run_at) VALUES ($1, $2, $3, $4, $5, $6)
                ON CONFLICT (scope) DO UPDATE SET kind = excluded.kind, rewrapped = excluded.rewrapped,
                failed = excluded.failed, skipped = excluded.skipped, run_at = excluded.run_at
                """, .text(run.scope), .text(run.kind), .int(run.rewrapped), .int(run.failed), .int(run.skipped),
                run.runAt.column)
        }
    }

    /// Every scope's last run, by name.
    public func scopeRuns() async throws(LedgerError) -> [ScopeRun] {
        try await pool.read { connection throws(LedgerError) in
            try connection.query(
                "SELECT scope, kind, rewrapped, failed, skipped, run_at FROM scope_runs ORDER BY scope"
            )
            .map { row throws(LedgerError) in
                ScopeRun(
                    scope: try row.string(0), kind: try row.string(1), rewrapped: try row.int(2),
                    failed: try row.int(3), skipped: try row.int(4), runAt: Timestamp(column: try row.int64(5)))
            }
        }
    }
}
