import ActorKeys
import Registry

extension LedgerStore {
    static let actorColumns =
        "id, key_policy, is_admin, can_rotate_encryption_key, can_shred, created_at, shredded_at, is_infra_admin"

    static func actor(from row: SQLRow) throws(LedgerError) -> Actor {
        guard let policy = KeyPolicy(rawValue: try row.string(1)) else {
            throw LedgerError(.corrupt, "unknown key policy")
        }
        return Actor(
            id: try ActorID(stored: try row.string(0)), keyPolicy: policy,
            permissions: Permissions(
                isAdmin: try row.bool(2), canRotateEncryptionKey: try row.bool(3), canShred: try row.bool(4),
                isInfraAdmin: try row.bool(7)),
            createdAt: Timestamp(column: try row.int64(5)),
            shreddedAt: try row.optionalInt64(6).map(Timestamp.init(column:)))
    }

    /// Inserts an actor; `.conflict` when the id exists.
    public func insertActor(_ actor: Actor) async throws(LedgerError) {
        try await pool.write { connection throws(LedgerError) in
            try Self.insertActor(actor, on: connection)
        }
    }

    static func insertActor(_ actor: Actor, on connection: SQLConnection) throws(LedgerError) {
        do {
            try connection.execute(
                "INSERT INTO actors (\(actorColumns)) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                .text(actor.id.rawValue), .text(actor.keyPolicy.rawValue), .bool(actor.permissions.isAdmin),
                .bool(actor.permissions.canRotateEncryptionKey), .bool(actor.permissions.canShred),
                actor.createdAt.column, actor.shreddedAt?.column ?? .null, .bool(actor.permissions.isInfraAdmin))
        } catch  where error.code == .conflict {
            throw LedgerError(.conflict, "actor \(actor.id) already exists")
        }
    }

    /// Enrols an actor and, when given, its first key, in one transaction.
    public func enroll(_ actor: Actor, key: NewKeyVersion?) async throws(LedgerError) -> KeyVersion? {
        try await pool.transaction { connection throws(LedgerError) in
            try Self.insertActor(actor, on: connection)
            return try key.map { key throws(LedgerError) in try Self.addActiveVersion(key, on: connection).added }
        }
    }

    public func actor(_ id: ActorID) async throws(LedgerError) -> Actor? {
        try await pool.read { connection throws(LedgerError) in try Self.actor(id, on: connection) }
    }

    static func actor(_ id: ActorID, on connection: SQLConnection) throws(LedgerError) -> Actor? {
        try connection.queryRow("SELECT \(actorColumns) FROM actors WHERE id = $1", .text(id.rawValue)).map(
            actor(from:))
    }

    public func actors() async throws(LedgerError) -> [Actor] {
        try await pool.read { connection throws(LedgerError) in
            try connection.query("SELECT \(Self.actorColumns) FROM actors ORDER BY id").map(Self.actor(from:))
        }
    }

    /// The actors among `ids` that exist.
    public func actors(_ ids: Set<ActorID>) async throws(LedgerError) -> [ActorID: Actor] {
        guard !ids.isEmpty else { return [:] }
        let list = Array(ids)
        return try await pool.read { connection throws(LedgerError) in
            let placeholders = (1...list.count).map { "$\($0)" }.joined(separator: ", ")
            var found: [ActorID: Actor] = [:]
            for row in try connection.query(
                "SELECT \(Self.actorColumns) FROM actors WHERE id IN (\(placeholders))", list.map { .text($0.rawValue) }
            ) {
                let actor = try Self.actor(from: row)
                found[actor.id] = actor
            }
            return found
        }
    }

    public func setPermissions(_ permissions: Permissions, of id: ActorID) async throws(LedgerError) {
        let changed = try await pool.write { connection throws(LedgerError) in
            try connection.execute(
                """
                UPDATE actors SET is_admin = $2, can_rotate_encryption_key = $3, can_shred = $4, is_infra_admin = $5
                WHERE id = $1
                """, .text(id.rawValue), .bool(permissions.isAdmin), .bool(permissions.canRotateEncryptionKey),
                .bool(permissions.canShred), .bool(permissions.isInfraAdmin))
        }
        guard changed == 1 else { throw LedgerError(.notFound, "actor \(id) does not exist") }
    }
}
