import ActorKeys

/// APIToken is a bearer token's stored form: never the token, only its SHA-256.
public struct APIToken: Sendable, Hashable {
    public let id: String
    public let actor: ActorID
    public let createdAt: Timestamp
    public let revokedAt: Timestamp?
}

extension LedgerStore {
    /// Stores the hash of a new token for `actor`.
    public func insertToken(id: String, actor: ActorID, tokenHash: String) async throws(LedgerError) {
        _ = try await pool.write { connection throws(LedgerError) in
            try connection.execute(
                "INSERT INTO api_tokens (id, actor_id, token_hash, created_at) VALUES ($1, $2, $3, $4)",
                .text(id), .text(actor.rawValue), .text(tokenHash), Timestamp.now().column)
        }
    }

    /// The live token with this hash, and its actor.
    public func token(hash: String) async throws(LedgerError) -> (APIToken, storedHash: String)? {
        try await pool.read { connection throws(LedgerError) in
            guard
                let row = try connection.queryRow(
                    "SELECT id, actor_id, created_at, revoked_at, token_hash FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL",
                    .text(hash))
            else { return nil }
            let token = APIToken(
                id: try row.string(0), actor: try ActorID(stored: try row.string(1)),
                createdAt: Timestamp(column: try row.int64(2)),
                revokedAt: try row.optionalInt64(3).map(Timestamp.init(column:)))
            return (token, try row.string(4))
        }
    }

    /// Revokes a token by id; false when there is no live token with that id.
    public func revokeToken(id: String) async throws(LedgerError) -> Bool {
        try await pool.write { connection throws(LedgerError) in
            try connection.execute(
                "UPDATE api_tokens SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL", .text(id),
                Timestamp.now().column) == 1
        }
    }

    public func tokens(of actor: ActorID) async throws(LedgerError) -> [APIToken] {
        try await pool.read { connection throws(LedgerError) in
            try connection.query(
                "SELECT id, actor_id, created_at, revoked_at FROM api_tokens WHERE actor_id = $1 ORDER BY created_at",
                .text(actor.rawValue)
            ).map { row throws(LedgerError) in
                APIToken(
                    id: try row.string(0), actor: try ActorID(stored: try row.string(1)),
                    createdAt: Timestamp(column: try row.int64(2)),
                    revokedAt: try row.optionalInt64(3).map(Timestamp.init(column:)))
            }
        }
    }
}
