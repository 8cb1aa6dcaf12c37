import ActorKeys
import Envelope

/// DataKeyCache keeps unwrapped data keys for opening records, up to a capacity. When full it
/// drops the least recently used eighth at once, so the bookkeeping stays amortised O(1).
struct DataKeyCache {
    // A class, so that a hit reads the dictionary and updates the entry through the reference:
    // mutating a value in place would go through the dictionary's `modify` coroutines, whose
    // frames are heap-allocated (three mallocs a lookup, measured).
    private final class Entry {
        let owner: Owner
        let key: DataKey
        var lastUse: UInt64

        init(owner: Owner, key: DataKey, lastUse: UInt64) {
            self.owner = owner
            self.key = key
            self.lastUse = lastUse
        }
    }

    private var entries: [DataKeyID: Entry] = [:]
    private var clock: UInt64 = 0
    let capacity: Int

    init(capacity: Int) { self.capacity = capacity }

    var count: Int { entries.count }

    mutating func get(_ id: DataKeyID) -> (owner: Owner, key: DataKey)? {
        guard let entry = entries[id] else { return nil }
        clock &+= 1
        entry.lastUse = clock
        return (entry.owner, entry.key)
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
