import ActorKeys

/// Migration is one versioned schema change, written once per dialect.
struct Migration: Sendable {
    let version: Int
    let name: String
    let sqlite: String
    let postgres: String
}

/// Migrations are applied in order when a store opens, each in its own transaction together
/// with its `schema_migrations` row, under a lock, so concurrent starts apply each exactly once
/// and re-running is a no-op.
enum Migrations {
    static let all: [Migration] = [initialSchema, rootOfTrust, infraAdmin, configurationAndJobs, mintedUnder]

    /// Brings the database to the latest version; returns the versions applied now.
    @discardableResult
    static func run(on connection: SQLConnection) throws(LedgerError) -> [Int] {
        try connection.executeScript(
            """
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version INTEGER PRIMARY KEY,
                name TEXT NOT NULL,
                applied_at BIGINT NOT NULL
            )
            """)
        var applied: [Int] = []
        for migration in all {
            let done = try connection.transaction { () throws(LedgerError) -> Bool in
                if connection.dialect == .postgres {
                    // Serialises concurrent starts; released at commit.
                    try connection.execute("SELECT pg_advisory_xact_lock(7150001)")
                }
                guard
                    try connection.queryRow(
                        "SELECT 1 FROM schema_migrations WHERE version = $1", .int(migration.version)) == nil
                else {
                    return false
                }
                try connection.executeScript(connection.dialect == .sqlite ? migration.sqlite : migration.postgres)
                try connection.execute(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
                    .int(migration.version), .text(migration.name), .integer(Timestamp.nowMilliseconds))
                return true
            }
            if done { applied.append(migration.version) }
        }
        return applied
    }

    /// Version 1: actors, their key versions, data keys, the ledger, audit events, API tokens.
    /// Times are milliseconds since the epoch. `actor_id` NULL means the shared key wherever it
    /// names an owner; in `ledger_entries`, `prompt_encryption_actor_id` is NULL exactly for the
    /// rows sealed under the shared key.
    static let initialSchema = Migration(
        version: 1, name: "initial schema",
        sqlite: schema(autoIncrement: "INTEGER PRIMARY KEY AUTOINCREMENT", bytes: "BLOB"),
        postgres: schema(autoIncrement: "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY", bytes: "BYTEA"))

    private static func schema(autoIncrement: String, bytes: String) -> String {
        """
        CREATE TABLE actors (
            id TEXT PRIMARY KEY,
            key_policy TEXT NOT NULL CHECK (key_policy IN ('auto', 'opt-in')),
            is_admin BOOLEAN NOT NULL DEFAULT FALSE,
            can_rotate_encryption_key BOOLEAN NOT NULL DEFAULT FALSE,
            can_shred BOOLEAN NOT NULL DEFAULT FALSE,
            created_at BIGINT NOT NULL,
            shredded_at BIGINT NULL
        );

        CREATE TABLE key_generation (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            generation BIGINT NOT NULL
        );
        INSERT INTO key_generation (id, generation) VALUES (1, 0);

        CREATE TABLE actor_keys (
            id \(autoIncrement),
            actor_id TEXT NULL REFERENCES actors (id),
            version INTEGER NOT NULL,
            name TEXT NOT NULL,
            recipient TEXT NOT NULL,
            fingerprint TEXT NOT NULL,
            state TEXT NOT NULL CHECK (state IN ('active', 'decrypt-only', 'destroyed')),
            created_at BIGINT NOT NULL,
            changed_at BIGINT NOT NULL,
            generation BIGINT NOT NULL
        );
        CREATE UNIQUE INDEX actor_keys_owner_version ON actor_keys ((COALESCE(actor_id, '')), version);
        CREATE UNIQUE INDEX actor_keys_owner_name ON actor_keys ((COALESCE(actor_id, '')), name);
        CREATE UNIQUE INDEX actor_keys_one_active ON actor_keys ((COALESCE(actor_id, ''))) WHERE state = 'active';
        CREATE INDEX actor_keys_generation ON actor_keys (generation);

        CREATE TABLE data_keys (
            id TEXT PRIMARY KEY,
            actor_id TEXT NULL REFERENCES actors (id),
            wrapped \(bytes) NULL,
            fingerprints TEXT NOT NULL,
            state TEXT NOT NULL CHECK (state IN ('sealing', 'closed', 'replacing', 'erased')),
            records BIGINT NOT NULL DEFAULT 0,
            created_at BIGINT NOT NULL,
            closed_at BIGINT NULL
        );
        CREATE INDEX data_keys_owner ON data_keys ((COALESCE(actor_id, '')), state);

        CREATE TABLE ledger_entries (
            seq \(autoIncrement),
            id TEXT NOT NULL UNIQUE,
            actor_id TEXT NOT NULL REFERENCES actors (id),
            kind TEXT NOT NULL,
            created_at BIGINT NOT NULL,
            protection TEXT NOT NULL CHECK (protection IN ('plaintext', 'encrypted')),
            prompt_encryption_actor_id TEXT NULL REFERENCES actors (id),
            data_key_id TEXT NULL REFERENCES data_keys (id),
            payload_format TEXT NOT NULL CHECK (payload_format IN ('text', 'binary')),
            payload \(bytes) NOT NULL,
            CHECK ((protection = 'plaintext') = (data_key_id IS NULL)),
            CHECK (protection = 'encrypted' OR prompt_encryption_actor_id IS NOT NULL)
        );
        CREATE INDEX ledger_entries_data_key ON ledger_entries (data_key_id);
        CREATE INDEX ledger_entries_actor ON ledger_entries (actor_id, seq);
        CREATE INDEX ledger_entries_owner ON ledger_entries (prompt_encryption_actor_id, seq);

        CREATE TABLE audit_events (
            seq \(autoIncrement),
            id TEXT NOT NULL UNIQUE,
            occurred_at BIGINT NOT NULL,
            event_type TEXT NOT NULL,
            principal TEXT NULL,
            target_actor TEXT NULL,
            outcome TEXT NOT NULL CHECK (outcome IN ('success', 'failure')),
            details TEXT NOT NULL,
            previous_hash TEXT NOT NULL,
            hash TEXT NOT NULL UNIQUE
        );

        CREATE TABLE api_tokens (
            id TEXT PRIMARY KEY,
            actor_id TEXT NOT NULL REFERENCES actors (id),
            token_hash TEXT NOT NULL UNIQUE,
            created_at BIGINT NOT NULL,
            revoked_at BIGINT NULL,
            last_used_at BIGINT NULL
        );
        """
    }
}

extension Migrations {
    /// Version 2: the root of trust. The workspace's id (bound into every wrapped sealing key
    /// and sealed identity), the root keys it has used (a URI, never a credential), its sealing
    /// keys and their wrapped forms under each root key, and the sealed identity of every live
    /// key version. A workspace made before this keeps its identity files until it is opened
    /// once with this version, which seals them and erases the files (docs/root-of-trust.md).
    static let rootOfTrust = Migration(
        version: 2, name: "root of trust",
        sqlite: rootSchema(autoIncrement: "INTEGER PRIMARY KEY AUTOINCREMENT", bytes: "BLOB"),
        postgres: rootSchema(autoIncrement: "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY", bytes: "BYTEA"))

    private static func rootSchema(autoIncrement: String, bytes: String) -> String {
        """
        CREATE TABLE workspace (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            workspace_id TEXT NOT NULL,
            created_at BIGINT NOT NULL
        );

        CREATE TABLE root_keys (
            id \(autoIncrement),
            uri TEXT NOT NULL,
            provider TEXT NOT NULL,
            kek_id TEXT NOT NULL,
            state TEXT NOT NULL CHECK (state IN ('active', 'pending', 'retired')),
            configured_at BIGINT NOT NULL,
            configured_by TEXT NULL,
            rotated_at BIGINT NULL
        );
        CREATE UNIQUE INDEX root_keys_one_active ON root_keys (state) WHERE state = 'active';

        CREATE TABLE sealing_keys (
            id \(autoIncrement),
            state TEXT NOT NULL CHECK (state IN ('active', 'retiring', 'retired')),
            created_at BIGINT NOT NULL
        );
        CREATE UNIQUE INDEX sealing_keys_one_active ON sealing_keys (state) WHERE state = 'active';

        CREATE TABLE sealing_key_wraps (
            sealing_key_id BIGINT NOT NULL REFERENCES sealing_keys (id),
            root_key_id BIGINT NOT NULL REFERENCES root_keys (id),
            kek_version TEXT NOT NULL,
            wrapped \(bytes) NOT NULL,
            wrapped_at BIGINT NOT NULL,
            PRIMARY KEY (sealing_key_id, root_key_id)
        );

        ALTER TABLE actor_keys ADD COLUMN sealing_key_id BIGINT NULL REFERENCES sealing_keys (id);
        ALTER TABLE actor_keys ADD COLUMN sealed_identity \(bytes) NULL;
        CREATE INDEX actor_keys_sealing_key ON actor_keys (sealing_key_id);
        """
    }
}

extension Migrations {
    /// Version 3: `is_infra_admin`, the permission of its own for the root key provider's
    /// configuration (orthogonal to `is_admin`). Nobody has it until it is granted, except a
    /// bootstrap admin made by `init` from now on.
    static let infraAdmin = Migration(
        version: 3, name: "infra admin",
        sqlite: "ALTER TABLE actors ADD COLUMN is_infra_admin BOOLEAN NOT NULL DEFAULT FALSE;",
        postgres: "ALTER TABLE actors ADD COLUMN is_infra_admin BOOLEAN NOT NULL DEFAULT FALSE;")
}

extension Migrations {
    /// Version 5: the key versions a data key was first wrapped to. A rewrap changes where a
    /// data key is wrapped, not who may have copied its first wrapped form: a data key minted
    /// under a classic key stays exposed to "harvest now, decrypt later" after a rewrap to a
    /// post-quantum one, and `status` must not count its rows as post-quantum. NULL (data keys
    /// from before this version, all classic) counts as classic.
    static let mintedUnder = Migration(
        version: 5, name: "data keys remember the versions they were minted under",
        sqlite: "ALTER TABLE data_keys ADD COLUMN minted_fingerprints TEXT NULL;",
        postgres: "ALTER TABLE data_keys ADD COLUMN minted_fingerprints TEXT NULL;")
}

extension Migrations {
    /// Version 4: the provider configuration's fields that are not secret, kept with the root key
    /// they configure (so a move to another root key and its configuration are one change); the
    /// background jobs of the HTTP API with their progress, so a restart loses no report; and
    /// each scope's last rewrap or reseal run, for the status page.
    static let configurationAndJobs = Migration(
        version: 4, name: "provider configuration and jobs",
        sqlite: configurationSchema, postgres: configurationSchema)

    private static let configurationSchema = """
        ALTER TABLE root_keys ADD COLUMN fields TEXT NULL;

        CREATE TABLE jobs (
            id TEXT PRIMARY KEY,
            kind TEXT NOT NULL,
            owner TEXT NOT NULL,
            state TEXT NOT NULL CHECK (state IN ('running', 'succeeded', 'failed')),
            done BIGINT NOT NULL DEFAULT 0,
            failed BIGINT NOT NULL DEFAULT 0,
            skipped BIGINT NOT NULL DEFAULT 0,
            total BIGINT NULL,
            error TEXT NULL,
            started_by TEXT NULL,
            started_at BIGINT NOT NULL,
            updated_at BIGINT NOT NULL,
            finished_at BIGINT NULL
        );
        CREATE INDEX jobs_started_at ON jobs (started_at);

        CREATE TABLE scope_runs (
            scope TEXT PRIMARY KEY,
            kind TEXT NOT NULL,
            rewrapped BIGINT NOT NULL,
            failed BIGINT NOT NULL,
            skipped BIGINT NOT NULL,
            run_at BIGINT NOT NULL
        );
        """
}

extension Timestamp {
    static var nowMilliseconds: Int64 { Timestamp.now().millisecondsSinceEpoch }
}
