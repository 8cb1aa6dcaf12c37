import Dispatch
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// PostgresListener holds one connection that LISTENs on a channel and turns each notification
/// into a signal, so other processes' key changes are seen at once rather than at the next poll.
/// Its loop runs on its own dispatch queue and waits in poll(2) with a timeout; it ends when
/// the listener is released.
final class PostgresListener: Sendable {
    let signals: AsyncStream<Void>
    private let stop: StopFlag

    private final class StopFlag: Sendable {
        let stopped = Atomic<Bool>(false)
    }

    private init(signals: AsyncStream<Void>, stop: StopFlag) {
        self.signals = signals
        self.stop = stop
    }

    static func start(uri: String, channel: String) async throws(LedgerError) -> PostgresListener {
        let connection = try await Blocking.run { () throws(LedgerError) in
            let connection = try PostgresConnection(url: uri)
            try connection.executeScript("LISTEN \(channel)")
            return connection
        }
        let (signals, continuation) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        let stop = StopFlag()
        DispatchQueue(label: "actorkeys.postgres.listener").async {
            var descriptor = pollfd(fd: connection.socket, events: Int16(POLLIN), revents: 0)
            while !stop.stopped.load(ordering: .relaxed) {
                guard poll(&descriptor, 1, 250) > 0 else { continue }
                guard let channels = try? connection.notifications() else { break }
                if !channels.isEmpty { continuation.yield() }
            }
            continuation.finish()
        }
        return PostgresListener(signals: signals, stop: stop)
    }

    deinit {
        stop.stopped.store(true, ordering: .relaxed)
    }
}
