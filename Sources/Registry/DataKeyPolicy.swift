/// DataKeyPolicy says when a sealing data key is replaced by a fresh one. Smaller limits
/// shrink what one leaked data key exposes; larger ones mean fewer keys to store and rewrap.
public struct DataKeyPolicy: Sendable, Hashable {
    /// Records one data key seals, counted across every process that shares it.
    public var maxRecords: Int
    /// How long a data key seals, from when it was minted.
    public var maxAge: Duration
    /// Unwrapped data keys kept for opening records.
    public var openCacheCapacity: Int

    public init(maxRecords: Int = 100_000, maxAge: Duration = .seconds(24 * 3600), openCacheCapacity: Int = 4096) {
        precondition(maxRecords > 0 && openCacheCapacity > 0)
        self.maxRecords = maxRecords
        self.maxAge = maxAge
        self.openCacheCapacity = openCacheCapacity
    }

    public static let `default` = DataKeyPolicy()

    /// `maxAge` in milliseconds, as the store's timestamps count.
    var maxAgeMilliseconds: Int64 {
        let (seconds, attoseconds) = maxAge.components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}
