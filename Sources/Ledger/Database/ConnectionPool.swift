import Dispatch
import Synchronization

/// ConnectionPool owns a few connections, each confined to its own serial dispatch queue, so
/// the blocking C calls of SQLite and libpq do not run on Swift's cooperative thread pool
/// (`pointRead` on SQLite is the one, bounded, exception). An
/// async caller borrows a connection for one synchronous closure (a query, or a whole
/// transaction) and gets it back.
public final class ConnectionPool: Sendable {
    private final class Slot: @unchecked Sendable {
        let connection: SQLConnection
        let queue: DispatchQueue
        init(_ connection: SQLConnection, index: Int) {
            self.connection = connection
            self.queue = DispatchQueue(label: "actorkeys.database.\(index)")
        }
    }

    private struct State {
        var idle: [Slot]
        var waiters: [CheckedContinuation<Slot, Never>] = []
    }

    public let dialect: SQLDialect
    private let state: Mutex<State>
    private let writer: Slot?

    /// `connections` are the readers (and writers, for PostgreSQL); `writer`, when given, is the
    /// one connection that runs writes (SQLite: one writer at a time avoids lock upgrades).
    init(connections: [SQLConnection], writer: SQLConnection? = nil) {
        precondition(!connections.isEmpty)
        dialect = connections[0].dialect
        state = Mutex(State(idle: connections.enumerated().map { Slot($1, index: $0) }))
        self.writer = writer.map { Slot($0, index: connections.count) }
    }

    /// Runs `body` on an idle connection.
    public func read<Result: Sendable>(
        _ body: @escaping @Sendable (SQLConnection) throws(LedgerError) -> Result
    ) async throws(LedgerError) -> Result {
        let slot = await acquire()
        defer { release(slot) }
        return try await run(body, on: slot)
    }

    /// Runs `body`, one lookup by key that touches a few pages, on an idle connection. On SQLite
    /// it runs on the caller's thread when a connection is idle: a WAL reader takes no lock
    /// that a writer holds, so the query costs microseconds, less than the two thread switches
    /// of a trip to the connection's queue (measured: a registry cold miss went from about 150
    /// to about 100 µs). This is the one exception to the rule above, and it holds only while
    /// `body` does nothing but that query and the decoding of its rows: no other I/O, no
    /// cryptography, no callbacks into other modules. Anything else, or no idle connection, goes
    /// the usual way.
    public func pointRead<Result: Sendable>(
        _ body: @escaping @Sendable (SQLConnection) throws(LedgerError) -> Result
    ) async throws(LedgerError) -> Result {
        guard dialect == .sqlite, let slot = state.withLock({ $0.idle.popLast() }) else { return try await read(body) }
        defer { release(slot) }
        return try body(slot.connection)
    }

    /// Runs `body` on the writer connection when there is one, else on an idle connection.
    public func write<Result: Sendable>(
        _ body: @escaping @Sendable (SQLConnection) throws(LedgerError) -> Result
    ) async throws(LedgerError) -> Result {
        guard let writer else { return try await read(body) }
        return try await run(body, on: writer)
    }

    /// Runs `body` in a transaction on the writer connection.
    public func transaction<Result: Sendable>(
        _ body: @escaping @Sendable (SQLConnection) throws(LedgerError) -> Result
    ) async throws(LedgerError) -> Result {
        try await write { connection throws(LedgerError) in
            try connection.transaction { () throws(LedgerError) in try body(connection) }
        }
    }

    private func run<Result: Sendable>(
        _ body: @escaping @Sendable (SQLConnection) throws(LedgerError) -> Result, on slot: Slot
    ) async throws(LedgerError) -> Result {
        let outcome: Swift.Result<Result, LedgerError> = await withCheckedContinuation { continuation in
            slot.queue.async {
                continuation.resume(returning: Swift.Result { () throws(LedgerError) in try body(slot.connection) })
            }
        }
        return try outcome.get()
    }

    private func acquire() async -> Slot {
        await withCheckedContinuation { continuation in
            state.withLock { state in
                if let slot = state.idle.popLast() {
                    continuation.resume(returning: slot)
                } else {
                    state.waiters.append(continuation)
                }
            }
        }
    }

    private func release(_ slot: Slot) {
        state.withLock { state in
            if state.waiters.isEmpty {
                state.idle.append(slot)
            } else {
                state.waiters.removeFirst().resume(returning: slot)
            }
        }
    }
}
