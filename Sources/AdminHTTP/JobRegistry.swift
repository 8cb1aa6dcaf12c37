import ActorKeys
import Admin
import Ledger
import Synchronization

/// Job is a long administrative task run in the background for the HTTP API, and how far it got.
public struct Job: JSONReport {
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
    public let startedAt: Timestamp
    public var finishedAt: Timestamp?
    public var error: String?

    public static let schema = ReportSchema<Self>(
        "Job", "A background job and how far it got.",
        [
            .init("id", \.id, "The job id (job_…)."),
            .init("kind", \.kind, "What it does.", as: .oneOf(["rewrap"])),
            .init("owner", \.owner, "Whose keys: an actor id, shared, or all."),
            .init("state", \.state.rawValue, "Where it is.", as: .oneOf(State.self)),
            .init("done", \.done, "Items done.", as: .count),
            .init("failed", \.failed, "Items that failed.", as: .count),
            .init("skipped", \.skipped, "Items with nothing to do.", as: .count),
            .init("total", \.total, "Items in all, when known.", as: .nullable(.count)),
            .init("started_at", \.startedAt.rfc3339Milliseconds, "When it started.", as: .dateTime),
            .init(
                "finished_at", \.finishedAt?.rfc3339Milliseconds, "When it ended; null while running.",
                as: .nullable(.dateTime)),
            .init("error", \.error, "The first failure, if any."),
        ])
}

/// The answer to starting a job.
public struct JobAcceptedReport: JSONReport {
    public let job: Job

    public static let schema = ReportSchema<Self>(
        "JobAccepted", "A job, started.",
        [
            .init("job", \.job, "The job.")
        ])
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
