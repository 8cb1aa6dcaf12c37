import ActorKeys
import Envelope
import Synchronization

/// SealingKey is the data key one owner's records are sealed with in this process, and the
/// records this process has claimed under it. The owner's budget (`DataKeyPolicy.maxRecords`)
/// is counted in the store across every process that shares the key: a process claims a few
/// records at a time, one, then twice as many each time up to `maxClaim`, so a one-record CLI run
/// claims one, a process never claims more than twice what it used, and a busy server makes one
/// store update per 16,384 records (a SQLite commit spread over them costs a few nanoseconds a
/// record; at 1,024 it was a measurable share of a 64-byte seal). `reserve()` is the whole
/// hot-path cost: one atomic subtraction and one clock read.
final class SealingKey: Sendable {
    static let maxClaim = 16_384

    let dataKey: DataKey
    /// Claimed records not used yet.
    private let available: Atomic<Int>
    /// The size of the next claim.
    private let claimSize: Atomic<Int>
    private let expires: ContinuousClock.Instant

    /// A key with `claimed` records claimed, made at `createdAt` (by any process): it seals
    /// until `createdAt + policy.maxAge`.
    init(dataKey: DataKey, claimed: Int, createdAt: Timestamp, policy: DataKeyPolicy) {
        self.dataKey = dataKey
        available = Atomic(claimed)
        claimSize = Atomic(min(max(2 * claimed, 1), Self.maxClaim))
        let age = Duration.milliseconds(Timestamp.now().millisecondsSinceEpoch - createdAt.millisecondsSinceEpoch)
        expires = .now + (policy.maxAge - age)
    }

    /// Takes `count` of the claimed records; false (taking nothing) when they are used up or
    /// the key is too old: then the registry claims more, adopts another key, or mints one.
    @inline(__always)
    func reserve(_ count: Int = 1) -> Bool {
        let left = available.wrappingSubtract(count, ordering: .relaxed).newValue
        guard left >= 0, ContinuousClock.now < expires else {
            available.wrappingAdd(count, ordering: .relaxed)
            return false
        }
        return true
    }

    /// Claimed records not used yet.
    var unused: Int { max(available.load(ordering: .relaxed), 0) }

    /// How many records to claim next for a caller that lacks `count`.
    func nextClaim(for count: Int) -> Int { max(count, claimSize.load(ordering: .relaxed)) }

    /// Adds records just claimed in the store, and doubles the next claim.
    func add(claimed: Int) {
        available.wrappingAdd(claimed, ordering: .relaxed)
        let next = min(2 * claimSize.load(ordering: .relaxed), Self.maxClaim)
        claimSize.store(next, ordering: .relaxed)
    }

    var isExpired: Bool { ContinuousClock.now >= expires }
}
