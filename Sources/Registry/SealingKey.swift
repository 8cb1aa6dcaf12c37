import Envelope
import Synchronization

/// SealingKey is the data key one owner's records are sealed with in this process, and its
/// budget. `reserve()` is the whole hot-path cost of the budget: one atomic increment and one
/// clock read.
final class SealingKey: Sendable {
    let dataKey: DataKey
    private let sealed = Atomic<Int>(0)
    private let maxRecords: Int
    private let expires: ContinuousClock.Instant

    init(dataKey: DataKey, policy: DataKeyPolicy) {
        self.dataKey = dataKey
        self.maxRecords = policy.maxRecords
        self.expires = .now + policy.maxAge
    }

    /// Takes `count` records from the budget; false (taking nothing) when the key must be
    /// replaced.
    func reserve(_ count: Int = 1) -> Bool {
        let total = sealed.wrappingAdd(count, ordering: .relaxed).newValue
        guard total <= maxRecords, ContinuousClock.now < expires else {
            sealed.wrappingSubtract(count, ordering: .relaxed)
            return false
        }
        return true
    }

    /// Records sealed (reserved) so far.
    var records: Int { min(sealed.load(ordering: .relaxed), maxRecords) }
}
