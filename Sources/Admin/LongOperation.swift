import Synchronization

/// OperationSummary is the end of a long job: how many items were done, failed or skipped, and
/// whether it was interrupted (in which case running it again resumes it).
public struct OperationSummary: Sendable, Hashable {
    public var done = 0
    public var failed = 0
    public var skipped = 0
    public var total: Int?
    public var interrupted = false
    /// The first few failures, as messages.
    public var failures: [String] = []

    public init(total: Int? = nil) { self.total = total }

    mutating func fail(_ message: String) {
        failed += 1
        if failures.count < 20 { failures.append(message) }
    }

    /// The counts, as an audit event carries them.
    var auditDetails: AuditDetails {
        [
            "done": String(done), "failed": String(failed), "skipped": String(skipped),
            "interrupted": String(interrupted),
        ]
    }

    mutating func merge(_ other: OperationSummary) {
        done += other.done
        failed += other.failed
        skipped += other.skipped
        total = [total, other.total].compactMap { $0 }.reduce(nil) { ($0 ?? 0) + $1 }
        interrupted = interrupted || other.interrupted
        failures += other.failures.prefix(max(0, 20 - failures.count))
    }
}

/// OperationControl is how a caller follows and stops a long job: `progress` is called after
/// each batch; `stop()` (from a signal handler or an HTTP request) makes the job end after the
/// batch in hand, with nothing half-done.
public final class OperationControl: Sendable {
    private let stopped = Atomic<Bool>(false)
    private let onProgress: @Sendable (OperationSummary) -> Void

    public init(progress: @escaping @Sendable (OperationSummary) -> Void = { _ in }) {
        onProgress = progress
    }

    public func stop() { stopped.store(true, ordering: .relaxed) }
    public var isStopped: Bool { stopped.load(ordering: .relaxed) }

    func report(_ summary: OperationSummary) { onProgress(summary) }
}
