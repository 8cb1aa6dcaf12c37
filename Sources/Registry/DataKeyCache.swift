import ActorKeys
import Envelope

/// DataKeyCache keeps unwrapped data keys for opening records, up to a capacity. When full it
/// drops the least recently used eighth at once, so the bookkeeping stays amortised O(1).
struct DataKeyCache {
    private struct Entry {
        let owner: Owner
        let key: DataKey
        var lastUse: UInt64

        mutating func touch(_ now: UInt64) -> (owner: Owner, key: DataKey) {
            lastUse = now
            return (owner, key)
        }
    }

    private var entries: [DataKeyID: Entry] = [:]
    private var clock: UInt64 = 0
    let capacity: Int

    init(capacity: Int) { self.capacity = capacity }

    var count: Int { entries.count }

    mutating func get(_ id: DataKeyID) -> (owner: Owner, key: DataKey)? {
        clock &+= 1
        // Optional chaining through the subscript updates the entry in place: one hash lookup.
        return entries[id]?.touch(clock)
    }

    mutating func insert(_ key: DataKey, owner: Owner) {
        if entries.count >= capacity && entries[key.id] == nil { evictOldest(max(1, capacity / 8)) }
        clock &+= 1
        entries[key.id] = Entry(owner: owner, key: key, lastUse: clock)
    }

    mutating func remove(owner: Owner) {
        entries = entries.filter { $0.value.owner != owner }
    }

    mutating func remove(_ id: DataKeyID) { entries[id] = nil }

    private mutating func evictOldest(_ count: Int) {
        let oldest = entries.sorted { $0.value.lastUse < $1.value.lastUse }.prefix(count).map(\.key)
        for id in oldest { entries[id] = nil }
    }
}
