import ActorKeys
import Registry

/// The root of trust's rows: the workspace id, root keys, sealing keys and their wrapped forms.
/// Every change that other processes must follow bumps the key generation.
extension LedgerStore {
    static let rootColumns = "id, uri, provider, kek_id, state, configured_at, configured_by, rotated_at, fields"

    static func rootKey(from row: SQLRow) throws(LedgerError) -> RootKeyRecord {
        guard let state = RootKeyRecord.State(rawValue: try row.string(4)) else {
            throw LedgerError(.corrupt, "unknown root key state")
        }
        return RootKeyRecord(
            id: try row.int64(0), uri: try row.string(1), provider: try row.string(2), kekID: try row.string(3),
            state: state, configuredAt: Timestamp(column: try row.int64(5)), configuredBy: try row.optionalString(6),
            rotatedAt: try row.optionalInt64(7).map(Timestamp.init(column:)), fields: try row.optionalString(8))
    }

    /// The workspace's id, or nil before `init`.
    public func workspaceID() async throws(LedgerError) -> String? {
        try await pool.read { connection throws(LedgerError) in
            try connection.queryRow("SELECT workspace_id FROM workspace WHERE id = 1")?.string(0)
        }
    }

    /// The active root key and the wrapped forms under it of every sealing key in use; nil when
    /// the workspace has no root key yet.
    public func rootState() async throws(LedgerError) -> RootState? {
        try await pool.read { connection throws(LedgerError) in try Self.rootState(on: connection) }
    }

    static func rootState(on connection: SQLConnection) throws(LedgerError) -> RootState? {
        guard let workspace = try connection.queryRow("SELECT workspace_id FROM workspace WHERE id = 1")?.string(0),
            let rootRow = try connection.queryRow(
                "SELECT \(rootColumns) FROM root_keys WHERE state = 'active'")
        else { return nil }
        let root = try rootKey(from: rootRow)
        return RootState(workspaceID: workspace, root: root, wraps: try wraps(under: root.id, on: connection))
    }

    static func wraps(under root: Int64, on connection: SQLConnection) throws(LedgerError) -> [SealingKeyWrap] {
        var wraps: [SealingKeyWrap] = []
        for row in try connection.query(
            """
            SELECT w.sealing_key_id, s.state, w.root_key_id, w.kek_version, w.wrapped, w.wrapped_at
            FROM sealing_key_wraps w JOIN sealing_keys s ON s.id = w.sealing_key_id
            WHERE w.root_key_id = $1 AND s.state <> 'retired' ORDER BY w.sealing_key_id
            """, .integer(root))
        {
            guard let state = SealingKeyWrap.SealingState(rawValue: try row.string(1)) else {
                throw LedgerError(.corrupt, "unknown sealing key state")
            }
            wraps.append(
                SealingKeyWrap(
                    sealingKeyID: try row.int64(0), sealingState: state, rootKeyID: try row.int64(2),
                    kekVersion: try row.string(3), wrapped: try row.blob(4),
                    wrappedAt: Timestamp(column: try row.int64(5))))
        }
        return wraps
    }

    /// Every root key, newest first (for `root show` and the status report).
    public func rootKeys() async throws(LedgerError) -> [RootKeyRecord] {
        try await pool.read { connection throws(LedgerError) in
            try connection.query("SELECT \(Self.rootColumns) FROM root_keys ORDER BY id DESC").map(Self.rootKey(from:))
        }
    }

    /// Records a new workspace's root of trust in one transaction: its id, the root key, the
    /// first sealing key and its wrapped form. `.conflict` when the workspace already has one.
    public func createRoot(
        workspaceID: String, uri: String, provider: String, kekID: String, kekVersion: String, wrapped: [UInt8],
        by principal: String?
    ) async throws(LedgerError) -> RootState {
        try await pool.transaction { connection throws(LedgerError) in
            if try connection.queryRow("SELECT workspace_id FROM workspace WHERE id = 1") != nil {
                throw LedgerError(.conflict, "the database already holds an initialized workspace")
            }
            let now = Timestamp.now()
            try connection.execute(
                "INSERT INTO workspace (id, workspace_id, created_at) VALUES (1, $1, $2)", .text(workspaceID),
                now.column)
            let root = try Self.insertRoot(
                uri: uri, provider: provider, kekID: kekID, state: .active, by: principal, on: connection)
            guard
                let sealing = try connection.queryRow(
                    "INSERT INTO sealing_keys (state, created_at) VALUES ('active', $1) RETURNING id", now.column)
            else { throw LedgerError(.database, "no sealing key id returned") }
            try Self.putWrap(
                sealingKey: try sealing.int64(0), root: root, kekVersion: kekVersion, wrapped: wrapped, on: connection)
            _ = try Self.nextGeneration(on: connection)
            guard let state = try Self.rootState(on: connection) else {
                throw LedgerError(.corrupt, "the root of trust just written cannot be read")
            }
            return state
        }
    }

    static func insertRoot(
        uri: String, provider: String, kekID: String, state: RootKeyRecord.State, by principal: String?,
        fields: String? = nil, on connection: SQLConnection
    ) throws(LedgerError) -> Int64 {
        guard
            let row = try connection.queryRow(
                """
                INSERT INTO root_keys (uri, provider, kek_id, state, configured_at, configured_by, fields)
                VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id
                """, .text(uri), .text(provider), .text(kekID), .text(state.rawValue), Timestamp.now().column,
                .optional(principal), .optional(fields))
        else { throw LedgerError(.database, "no root key id returned") }
        return try row.int64(0)
    }

    static func putWrap(
        sealingKey: Int64, root: Int64, kekVersion: String, wrapped: [UInt8], on connection: SQLConnection
    ) throws(LedgerError) {
        try connection.execute(
            """
            INSERT INTO sealing_key_wraps (sealing_key_id, root_key_id, kek_version, wrapped, wrapped_at)
            VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (sealing_key_id, root_key_id) DO UPDATE
            SET kek_version = excluded.kek_version, wrapped = excluded.wrapped, wrapped_at = excluded.wrapped_at
            """, .integer(sealingKey), .integer(root), .text(kekVersion), .blob(wrapped), Timestamp.now().column)
    }
}
