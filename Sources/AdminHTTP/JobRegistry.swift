import ActorKeys
import Admin
import Ledger
import Synchronization

/// Job is a long administrative task run in the background for the HTTP API, and how far it got.
public struct Job: JSONReport {
    /// `interrupted`: the process running it stopped (nothing written for a minute); its work is
    /// safe to start again, and the new run resumes it.
    public enum State: String, Sendable, CaseIterable {
        case running, succeeded, failed, interrupted
    }

    public let id: String
    public let kind: String
    public let owner: String
    public let state: State
    public let done: Int
    public let failed: Int
    public let skipped: Int
    public let total: Int?
    public let startedAt: Timestamp
    public let startedBy: String?
    public let finishedAt: Timestamp?
    public let error: String?

    init(_ record: JobRecord, now: Timestamp = .now()) {
        id = record.id
        kind = record.kind
        owner = record.owner
        let silent = now.millisecondsSinceEpoch - record.updatedAt.millisecondsSinceEpoch
        state =
            switch record.state {
            case .running: silent > JobRegistry.silenceLimit ? .interrupted : .running
            case .succeeded: .succeeded
            case .failed: .failed
            }
        done = record.done
        failed = record.failed
        skipped = record.skipped
        total = record.total
        startedAt = record.startedAt
        startedBy = record.startedBy
        finishedAt = record.finishedAt
        error = record.error
    }

    public static let schema = ReportSchema<Self>(
        "Job", "A background job and how far it got; kept in the database, so a restart loses no report.",
        [
            .init("id", \.id, "The job id (job_…)."),
            .init("kind", \.kind, "What it does.", as: .oneOf(JobRegistry.Kind.self)),
            .init("owner", \.owner, "Whose keys: an actor id, shared, all, or root."),
            .init("state", \.state.rawValue, "Where it is.", as: .oneOf(State.self)),
            .init("done", \.done, "Items done.", as: .count),
            .init("failed", \.failed, "Items that failed.", as: .count),
            .init("skipped", \.skipped, "Items with nothing to do.", as: .count),
            .init("total", \.total, "Items in all, when known.", as: .nullable(.count)),
            .init("started_at", \.startedAt.rfc3339Milliseconds, "When it started.", as: .dateTime),
            .init("started_by", \.startedBy, "Who started it.", as: .nullable(.string)),
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

/// JobRegistry runs long administrative tasks in the background (rewrap, root rotation) and
/// keeps each one's progress in the database (`jobs`): written at most once a second while it
/// moves, every fifteen seconds while it waits, and at the end. Any server of the workspace
/// answers for any job, and a restart loses no report. A job's work is safe to repeat.
public final class JobRegistry: Sendable {
    public enum Kind: String, Sendable, CaseIterable {
        case rewrap
        case rootRotate = "root_rotate"
    }

    /// A running job silent for longer than this (ms) belongs to a process that stopped.
    static let silenceLimit: Int64 = 60_000
    private let store: LedgerStore

    public init(store: LedgerStore) { self.store = store }

    public func job(_ id: String) async throws -> Job? {
        guard id.utf8.count <= 64 else { return nil }
        return try await store.job(id).map { Job($0) }
    }

    /// Starts a rewrap of `owner` (nil: every owner) with `administration`'s rights.
    public func startRewrap(_ owner: Owner?, administration: KeyAdministration) async throws -> Job {
        try await start(.rewrap, owner: owner?.label ?? "all", by: administration) { control throws(AdminError) in
            try await administration.rewrap(owner, control: control)
        }
    }

    /// Starts a root key rotation: every sealing key re-wrapped under the newest key version.
    public func startRootRotation(administration: KeyAdministration) async throws -> Job {
        try await start(.rootRotate, owner: "root", by: administration) { _ throws(AdminError) in
            let rotation = try await administration.rotateRoot()
            var summary = OperationSummary(total: rotation.sealingKeys)
            summary.done = rotation.sealingKeys
            return summary
        }
    }

    private func start(
        _ kind: Kind, owner: String, by administration: KeyAdministration,
        _ work: @escaping @Sendable (OperationControl) async throws(AdminError) -> OperationSummary
    ) async throws -> Job {
        let id = "job_" + Hex.encode(SecretBytes.random(count: 8).withUnsafeBytes { Array($0) })
        let record = JobRecord(
            id: id, kind: kind.rawValue, owner: owner, startedBy: administration.principal.description)
        try await store.saveJob(record)
        let progress = JobProgress(record)
        let control = OperationControl { summary in progress.update { $0.apply(summary) } }
        Task.detached { [store] in
            let writer = Task { await progress.flush(to: store) }
            do throws(AdminError) {
                let summary = try await work(control)
                progress.update { job in
                    job.apply(summary)
                    job.state = summary.failed == 0 ? .succeeded : .failed
                    job.error = summary.failures.first
                    job.finishedAt = .now()
                }
            } catch {
                progress.update { job in
                    job.state = .failed
                    job.error = error.message
                    job.finishedAt = .now()
                }
            }
            writer.cancel()
            await writer.value
            try? await store.saveJob(progress.current)
        }
        return Job(record)
    }
}

/// JobProgress is one running job's record, updated by the job and written by `flush`.
final class JobProgress: Sendable {
    private let record: Mutex<(job: JobRecord, dirty: Bool)>

    init(_ job: JobRecord) { record = Mutex((job, false)) }

    var current: JobRecord { record.withLock { $0.job } }

    func update(_ change: (inout JobRecord) -> Void) {
        record.withLock { state in
            change(&state.job)
            state.job.updatedAt = .now()
            state.dirty = true
        }
    }

    /// Writes the record once a second when it changed, and every fifteen seconds regardless
    /// (the heartbeat that tells a live job from one whose process stopped), until cancelled.
    func flush(to store: LedgerStore) async {
        var quiet = 0
        while !Task.isCancelled {
            do { try await Task.sleep(for: .seconds(1)) } catch { return }
            quiet += 1
            let due: JobRecord? = record.withLock { state in
                guard state.dirty || quiet >= 15 else { return nil }
                state.dirty = false
                if quiet >= 15 { state.job.updatedAt = .now() }
                return state.job
            }
            if let due {
                quiet = 0
                try? await store.saveJob(due)
            }
        }
    }
}

extension JobRecord {
    mutating func apply(_ summary: OperationSummary) {
        done = summary.done
        failed = summary.failed
        skipped = summary.skipped
        total = summary.total
    }
}
