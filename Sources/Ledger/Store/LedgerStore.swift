import ActorKeys
import Registry

/// LedgerStore is the ledger's storage on SQLite or PostgreSQL: the same SQL, the same
/// behaviour, the same tests. It opens a small pool of connections, brings the schema up to
/// date, and implements the registry's `KeyMaterialStore`.
public final class LedgerStore: Sendable {
    public let url: DatabaseURL
    public let pool: ConnectionPool
    private let listener: PostgresListener?

    /// The PostgreSQL channel a key change is announced on (delivered at commit).
    static let keyChannel = "actorkeys_keys"

    private init(url: DatabaseURL, pool: ConnectionPool, listener: PostgresListener?) {
        self.url = url
        self.pool = pool
        self.listener = listener
    }

    /// Opens the database at `url`, creating and migrating it as needed.
    public static func open(_ url: DatabaseURL, connections: Int = 4) async throws(LedgerError) -> LedgerStore {
        let store: LedgerStore
        switch url {
        case .sqlite(let path):
            // One writer, a few readers: WAL lets them read while it writes.
            let writer = try await Blocking.run { () throws(LedgerError) in try SQLiteConnection(path: path) }
            _ = try await Blocking.run { () throws(LedgerError) in try Migrations.run(on: writer) }
            var readers: [SQLConnection] = []
            for _ in 0..<max(1, connections - 1) {
                readers.append(try await Blocking.run { () throws(LedgerError) in try SQLiteConnection(path: path) })
            }
            store = LedgerStore(url: url, pool: ConnectionPool(connections: readers, writer: writer), listener: nil)
        case .postgres(let uri):
            var all: [SQLConnection] = []
            for _ in 0..<max(1, connections) {
                all.append(try await Blocking.run { () throws(LedgerError) in try PostgresConnection(url: uri) })
            }
            let first = all[0]
            _ = try await Blocking.run { () throws(LedgerError) in try Migrations.run(on: first) }
            let listener = try? await PostgresListener.start(uri: uri, channel: keyChannel)
            store = LedgerStore(url: url, pool: ConnectionPool(connections: all), listener: listener)
        }
        return store
    }

    /// Signals each time another connection announces a key change (PostgreSQL); nil on SQLite,
    /// where the registry's timer does the same job.
    public var keyChangeSignals: AsyncStream<Void>? { listener?.signals }

    public var dialect: SQLDialect { pool.dialect }
}

// MARK: - Row decoding shared by the store's extensions

extension Owner {
    /// The `actor_id` column value: NULL for the shared key.
    var column: SQLValue { actor.map { .text($0.rawValue) } ?? .null }

    /// `COALESCE(actor_id, '')` value, for the owner indexes.
    var key: String { actor?.rawValue ?? "" }

    init(column text: String?) throws(LedgerError) {
        guard let text else {
            self = .shared
            return
        }
        do {
            self = .actor(try ActorID(text))
        } catch {
            throw LedgerError(.corrupt, "stored actor id is invalid")
        }
    }
}

extension ActorID {
    init(stored text: String) throws(LedgerError) {
        do { self = try ActorID(text) } catch { throw LedgerError(.corrupt, "stored actor id is invalid") }
    }
}

extension Timestamp {
    init(column value: Int64) { self.init(millisecondsSinceEpoch: value) }
    var column: SQLValue { .integer(millisecondsSinceEpoch) }
}

extension LedgerStore {
    /// One trivial query on a reader: whether the database answers.
    public func ping() async throws(LedgerError) {
        _ = try await pool.read { connection throws(LedgerError) in try connection.query("SELECT 1", []) }
    }
}
