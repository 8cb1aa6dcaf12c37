import Synchronization

/// RegistryStatistics counts cache hits and misses since the registry was made.
public struct RegistryStatistics: Sendable, Hashable {
    public let hits: Int
    public let misses: Int
}

/// Relaxed atomic counters: they are read for metrics, never to decide anything.
final class RegistryCounters: Sendable {
    private let hits = Atomic<Int>(0)
    private let misses = Atomic<Int>(0)

    func hit() { hits.wrappingAdd(1, ordering: .relaxed) }
    func miss() { misses.wrappingAdd(1, ordering: .relaxed) }

    var snapshot: RegistryStatistics {
        RegistryStatistics(hits: hits.load(ordering: .relaxed), misses: misses.load(ordering: .relaxed))
    }
}
