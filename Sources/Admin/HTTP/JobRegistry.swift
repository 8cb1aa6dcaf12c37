import ActorKeys
import Ledger
import Synchronization

/// Job is a long administrative task run in the background for the HTTP API, and how far it got.
public struct Job: Sendable, Encodable {
    public enum State: String, Sendable, Encodable {
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
    public let startedAt: Timestamp
    public var finishedAt: Timestamp?
    public var error: String?

    enum CodingKeys: String, CodingKey {
        case id, kind, owner, state, done, failed, skipped, total, error
        case startedAt = "started_at", finishedAt = "finished_at"
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(kind, forKey: .kind)
        try container.encode(owner, forKey: .owner)
        try container.encode(state, forKey: .state)
        try container.encode(done, forKey: .done)
        try container.encode(failed, forKey: .failed)
        try container.encode(skipped, forKey: .skipped)
        try container.encode(total, forKey: .total)
        try container.encode(startedAt.rfc3339Milliseconds, forKey: .startedAt)
        try container.encode(finishedAt?.rfc3339Milliseconds, forKey: .finishedAt)
        try container.encode(error, forKey: .error)
    }
}

/// JobRegistry runs rewrap jobs in the background and keeps their progress, the most recent
/// hundred, in memory: a job's work is safe to repeat, so a restarted server loses only the
/// report, never data.
public final class JobRegistry: Sendable {
    private let jobs = Mutex<[String: Job]>([:])
    private let order = Mutex<[String]>([])
    private static let kept = 100

    public init() {}

    public func job(_ id: String) -> Job? { jobs.withLock { $0[id] } }

    /// Starts a rewrap of `owner` (nil: every owner) with `administration`'s rights.
    public func startRewrap(_ owner: Owner?, administration: KeyAdministration) -> Job {
        let id = "job_" + Hex.encode(SecretBytes.random(count: 8).withUnsafeBytes { Array($0) })
        let job = Job(id: id, kind: "rewrap", owner: owner?.label ?? "all", state: .running, startedAt: .now())
        remember(job)
        let control = OperationControl { [self] summary in
            update(id) { job in
                job.done = summary.done
                job.failed = summary.failed
                job.skipped = summary.skipped
                job.total = summary.total
            }
        }
        Task.detached {
            do {
                let summary = try await administration.rewrap(owner, control: control)
                self.update(id) { job in
                    job.done = summary.done
                    job.failed = summary.failed
                    job.skipped = summary.skipped
                    job.total = summary.total
                    job.state = summary.failed == 0 ? .succeeded : .failed
                    job.error = summary.failures.first
                    job.finishedAt = .now()
                }
            } catch {
                self.update(id) { job in
                    job.state = .failed
                    job.error = AdminError(error).message
                    job.finishedAt = .now()
                }
            }
        }
        return job
    }

    private func remember(_ job: Job) {
        jobs.withLock { $0[job.id] = job }
        let dropped: [String] = order.withLock { order in
            order.append(job.id)
            guard order.count > Self.kept else { return [] }
            let excess = Array(order.prefix(order.count - Self.kept))
            order.removeFirst(excess.count)
            return excess
        }
        jobs.withLock { jobs in for id in dropped { jobs[id] = nil } }
    }

    private func update(_ id: String, _ change: (inout Job) -> Void) {
        jobs.withLock { jobs in
            guard var job = jobs[id] else { return }
            change(&job)
            jobs[id] = job
        }
    }
}
