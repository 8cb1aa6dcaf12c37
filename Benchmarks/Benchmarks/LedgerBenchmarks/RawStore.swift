import BenchmarkSupport
import CBaselines
import Foundation

/// RawStore is the C baseline on the ledger's own database: a plain `raw (id, payload)` table,
/// and `raw_entries`, a mirror of `ledger_entries` made from its schema, so the raw writes are
/// the same rows with the same constraints and indexes. Inserts are one prepared statement a
/// row (SQLite) or binary COPY (PostgreSQL); reads are prepared selects by key.
final class RawStore {
    private let backend: Backend
    private let handle: UnsafeMutableRawPointer
    private let plainPayload = Sizes.payload(1024)

    init(_ backend: Backend, _ database: String) throws {
        self.backend = backend
        let opened = backend == .sqlite ? baseline_sqlite_open(database) : baseline_postgres_open(database)
        guard let opened else { throw FixtureError("cannot open raw \(backend) database \(database)") }
        handle = opened
    }

    deinit {
        backend == .sqlite ? baseline_sqlite_close(handle) : baseline_postgres_close(handle)
    }

    /// Makes `raw_entries` (once per database) and prepares the statements on ledger_entries.
    func mirrorEntries(create: Bool) throws {
        let status: Int32
        switch backend {
        case .sqlite: status = create ? baseline_sqlite_mirror_entries(handle) : baseline_sqlite_prepare_entries(handle)
        case .postgres:
            status = create ? baseline_postgres_mirror_entries(handle) : baseline_postgres_prepare_entries(handle)
        }
        guard status == 0 else { throw FixtureError("cannot mirror ledger_entries") }
    }

    /// `count` rows of 1 KiB into the plain table.
    func insertPlain(first: Int, count: Int) throws {
        let status =
            backend == .sqlite
            ? baseline_sqlite_insert(handle, Int32(first), Int32(count), plainPayload, plainPayload.count)
            : baseline_postgres_copy(handle, Int32(first), Int32(count), plainPayload, plainPayload.count)
        guard status == 0 else { throw FixtureError("raw insert failed") }
    }

    func selectPlain(_ keys: [Int32]) throws -> Int {
        let found =
            backend == .sqlite
            ? baseline_sqlite_select(handle, keys, Int32(keys.count))
            : baseline_postgres_select(handle, keys, Int32(keys.count))
        guard found >= 0 else { throw FixtureError("raw select failed") }
        return Int(found)
    }

    /// `count` ledger rows of `actor` under `dataKey` (hex) with `payload` (a sealed record).
    func insertEntries(first: Int, count: Int, actor: String, dataKey: String, payload: [UInt8]) throws {
        let status =
            backend == .sqlite
            ? baseline_sqlite_insert_entries(handle, Int32(first), Int32(count), actor, dataKey, payload, payload.count)
            : baseline_postgres_copy_entries(handle, Int32(first), Int32(count), actor, dataKey, payload, payload.count)
        guard status == 0 else { throw FixtureError("raw insert of entries failed") }
    }

    enum ReadStrategy {
        /// A prepared select a key, each in its own transaction.
        case eachKey
        /// A prepared select a key, all in one transaction.
        case eachKeyOneTransaction
        /// What the ledger does: lists of keys per statement (SQLite), one array (PostgreSQL).
        case listed
    }

    /// Selects the ledger's own rows by id; returns how many were found.
    func selectEntries(_ ids: [String], _ strategy: ReadStrategy = .eachKey) -> Int {
        var pointers = ids.map { strdup($0) }
        defer { for pointer in pointers { free(pointer) } }
        return pointers.withUnsafeMutableBufferPointer { buffer in
            buffer.withMemoryRebound(to: UnsafePointer<CChar>?.self) { ids in
                let pointer = ids.baseAddress
                let count = Int32(ids.count)
                return switch (backend, strategy) {
                case (.sqlite, .listed): Int(baseline_sqlite_select_entries_listed(handle, pointer, count))
                case (.sqlite, _):
                    Int(baseline_sqlite_select_entries(handle, pointer, count, strategy == .eachKey ? 0 : 1))
                case (.postgres, .listed): Int(baseline_postgres_select_entries_listed(handle, pointer, count))
                case (.postgres, _):
                    Int(baseline_postgres_select_entries(handle, pointer, count, strategy == .eachKey ? 0 : 1))
                }
            }
        }
    }
}

/// SplitMix64: the same "random" keys in the ledger and the raw benchmark.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
