import Dispatch
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// BatchLanes splits a batch of records into contiguous ranges sealed on separate cores: one
/// lane for a small batch, where waking other threads would cost more than it saves.
struct BatchLanes {
    /// Below these, a batch is sealed on the calling thread alone.
    static let minimumRecords = 64
    static let minimumBytes = 64 * 1024
    /// Records a lane gets at least.
    static let recordsPerLane = 32

    let count: Int

    /// The cores online, read once.
    static let onlineCores = max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN)))

    init(_ plaintexts: [[UInt8]], cores: Int = BatchLanes.onlineCores) {
        let bytes = plaintexts.reduce(0) { $0 + $1.count }
        guard plaintexts.count >= Self.minimumRecords, bytes >= Self.minimumBytes, cores > 1 else {
            count = 1
            return
        }
        count = min(cores, plaintexts.count / Self.recordsPerLane)
    }

    /// Lane `lane`'s share of `total` records: the ranges cover 0..<total, in order.
    func range(_ lane: Int, of total: Int) -> Range<Int> {
        (total * lane / count)..<(total * (lane + 1) / count)
    }
}

extension BatchLanes {
    /// Runs `body` on each lane's range of `total` items: on the calling thread for one lane,
    /// else on as many threads as lanes, returning when all are done.
    func run(total: Int, _ body: @Sendable (Range<Int>) -> Void) {
        if count == 1 {
            body(0..<total)
        } else {
            DispatchQueue.concurrentPerform(iterations: count) { lane in body(range(lane, of: total)) }
        }
    }
}

/// Buffers the lanes of a batch share; each lane touches only the items of its own range.
struct LaneBuffers: @unchecked Sendable {
    let records: UnsafeMutableBufferPointer<[UInt8]>
    let nonces: UnsafeRawBufferPointer
}

/// FirstFailure keeps the first error any lane reports.
final class FirstFailure: Sendable {
    private let first = Mutex<EnvelopeError?>(nil)

    func record(_ error: EnvelopeError) { first.withLock { $0 = $0 ?? error } }

    var error: EnvelopeError? { first.withLock { $0 } }
}
