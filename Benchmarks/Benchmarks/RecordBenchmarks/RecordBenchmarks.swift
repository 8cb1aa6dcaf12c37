import ActorKeys
import Benchmark
import BenchmarkSupport
import CBaselines
import Envelope
import Registry

// The hot path: seal and open one record through the registry on a cache hit, next to the same
// construction in C (random nonce + XChaCha20-Poly1305 with associated data) in this binary; the
// C envelope takes its nonces from a pool as the library does, and a second C baseline draws
// each with a system call.
// Each benchmark runs in a process of its own; fixtures are made in `setup`.

let benchmarks: @Sendable () -> Void = {
    precondition(baseline_init() == 0)
    for (label, size) in Sizes.all {
        recordBenchmarks(label: label, size: size)
        ratioBenchmarks(label: label, size: size)
    }
}

/// Buffers for a ratio benchmark's two sides: the input, a sealed record, an output.
final class Buffers: @unchecked Sendable {
    let input: UnsafeMutableRawBufferPointer
    let output: UnsafeMutableRawBufferPointer
    var record = UnsafeMutableRawBufferPointer(start: nil, count: 0)
    var rawRecord = UnsafeMutableRawBufferPointer(start: nil, count: 0)

    init(_ payload: [UInt8]) {
        input = .allocate(byteCount: payload.count, alignment: 16)
        input.copyBytes(from: payload)
        output = .allocate(byteCount: payload.count + 64, alignment: 16)
    }

    static func copy(_ bytes: [UInt8]) -> UnsafeMutableRawBufferPointer {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: bytes.count, alignment: 16)
        buffer.copyBytes(from: bytes)
        return buffer
    }
}

/// Seal and open through the registry against the C envelope, alternately in one process.
func ratioBenchmarks(label: String, size: Int) {
    let payload = Sizes.payload(size)
    let owner = Owner.actor(try! ActorID("alice"))
    let fixture = Box<LedgerFixture>()
    let buffers = Buffers(payload)
    let associatedData = [UInt8](repeating: 7, count: 17 + 1 + 1 + 5 + 1 + 26)
    let rawKey = [UInt8](repeating: 0x42, count: 32)
    let setup: @Sendable () async throws -> Void = {
        fixture.value = try await LedgerFixture.make(.sqlite, label: "ratio")
        try await fixture.unwrapped.enroll(["alice"])
        let registry = fixture.unwrapped.workspace.registry
        buffers.record = Buffers.copy(try await registry.seal(payload, owner: owner, entryID: entryID).record)
        _ = try await registry.open(
            UnsafeRawBufferPointer(buffers.record), into: buffers.output, owner: owner, entryID: entryID)
        var raw = [UInt8](repeating: 0, count: size + 57)
        baseline_record_seal(&raw, payload, size, associatedData, associatedData.count, rawKey)
        buffers.rawRecord = Buffers.copy(raw)
    }
    let teardown: @Sendable () async throws -> Void = { fixture.value?.close() }
    let operations = max(4, (1 << 20) / max(size, 1024))
    Ratio.benchmark(
        "ratio seal \(label)", operations: operations, setup: setup, teardown: teardown,
        ours: {
            blackHole(
                try await fixture.unwrapped.workspace.registry.seal(
                    UnsafeRawBufferPointer(buffers.input), into: buffers.output, owner: owner, entryID: entryID))
        },
        baseline: {
            baseline_record_seal(
                buffers.output.baseAddress!.assumingMemoryBound(to: UInt8.self),
                buffers.input.baseAddress!.assumingMemoryBound(to: UInt8.self), size, associatedData,
                associatedData.count, rawKey)
        })
    Ratio.benchmark(
        "ratio open \(label)", operations: operations, setup: setup, teardown: teardown,
        ours: {
            blackHole(
                try await fixture.unwrapped.workspace.registry.open(
                    UnsafeRawBufferPointer(buffers.record), into: buffers.output, owner: owner, entryID: entryID))
        },
        baseline: {
            let status = baseline_record_open(
                buffers.output.baseAddress!.assumingMemoryBound(to: UInt8.self),
                buffers.rawRecord.baseAddress!.assumingMemoryBound(to: UInt8.self),
                buffers.rawRecord.count, associatedData, associatedData.count, rawKey)
            precondition(status == 0)
        })
}

private let entryID = "01JD7Y8Q2W3E4R5T6Y7U8I9O0P"

/// A C record seal of CBaselines: out, plaintext, its length, associated data, its length, key.
typealias CRecordSeal =
    @convention(c) (
        UnsafeMutablePointer<UInt8>?, UnsafePointer<UInt8>?, Int, UnsafePointer<UInt8>?, Int, UnsafePointer<UInt8>?
    ) -> Void

func configuration(_ size: Int) -> Benchmark.Configuration {
    Benchmark.Configuration(
        metrics: [.wallClock, .throughput, .mallocCountTotal],
        timeUnits: size >= 1024 * 1024 ? .microseconds : .nanoseconds,
        warmupIterations: 10,
        scalingFactor: size >= 16 * 1024 ? .one : .kilo,
        maxDuration: .seconds(2),
        maxIterations: 1_000_000
    )
}

func recordBenchmarks(label: String, size: Int) {
    let payload = Sizes.payload(size)
    let owner = Owner.actor(try! ActorID("alice"))
    let fixture = Box<LedgerFixture>()
    let setup: @Sendable () async throws -> Void = {
        fixture.value = try await LedgerFixture.make(.sqlite, label: "record")
        try await fixture.unwrapped.enroll(["alice"])
        // Mint the data key: the rest are hits.
        _ = try await fixture.unwrapped.workspace.registry.seal(payload, owner: owner, entryID: entryID)
    }
    let teardown: @Sendable () async throws -> Void = { fixture.value?.close() }
    // The same associated data the registry binds: header, owner tag, actor id, entry id.
    let associatedData = [UInt8](repeating: 7, count: 17 + 1 + 1 + 5 + 1 + 26)
    let rawKey = [UInt8](repeating: 0x42, count: 32)

    Benchmark(
        "seal \(label) registry", configuration: configuration(size),
        closure: { benchmark in
            let registry = fixture.unwrapped.workspace.registry
            let output = UnsafeMutableRawBufferPointer.allocate(
                byteCount: size + RecordEnvelope.overhead, alignment: 16)
            defer { output.deallocate() }
            try await payload.withUnsafeBytesAsync { input in
                benchmark.startMeasurement()
                for _ in benchmark.scaledIterations {
                    blackHole(try await registry.seal(input, into: output, owner: owner, entryID: entryID))
                }
                benchmark.stopMeasurement()
            }
        }, setup: setup, teardown: teardown)

    Benchmark(
        "seal \(label) registry new array", configuration: configuration(size),
        closure: { benchmark in
            let registry = fixture.unwrapped.workspace.registry
            for _ in benchmark.scaledIterations {
                blackHole(try await registry.seal(payload, owner: owner, entryID: entryID))
            }
        }, setup: setup, teardown: teardown)

    // The C envelope with pooled nonces (the baseline), and drawing each nonce with a system call
    // (what the pool saves; small records only, where it shows): both baselines in the table.
    let cSeals: [(suffix: String, seal: CRecordSeal)] = [
        ("", baseline_record_seal), (" nonce syscall", baseline_record_seal_nonce_syscall),
    ]
    for (suffix, seal) in cSeals where suffix.isEmpty || size <= 1024 {
        Benchmark("seal \(label) raw C\(suffix)", configuration: configuration(size)) { benchmark in
            var output = [UInt8](repeating: 0, count: size + 57)
            output.withUnsafeMutableBufferPointer { output in
                payload.withUnsafeBufferPointer { input in
                    benchmark.startMeasurement()
                    for _ in benchmark.scaledIterations {
                        seal(output.baseAddress, input.baseAddress, size, associatedData, associatedData.count, rawKey)
                        blackHole(output[20])
                    }
                    benchmark.stopMeasurement()
                }
            }
        }
    }

    let record = Box<[UInt8]>()
    let openSetup: @Sendable () async throws -> Void = {
        try await setup()
        record.value = try await fixture.unwrapped.workspace.registry.seal(payload, owner: owner, entryID: entryID)
            .record
        _ = try await fixture.unwrapped.workspace.registry.open(record.unwrapped, owner: owner, entryID: entryID)
    }
    Benchmark(
        "open \(label) registry", configuration: configuration(size),
        closure: { benchmark in
            let registry = fixture.unwrapped.workspace.registry
            let output = UnsafeMutableRawBufferPointer.allocate(byteCount: size, alignment: 16)
            defer { output.deallocate() }
            try await record.unwrapped.withUnsafeBytesAsync { input in
                benchmark.startMeasurement()
                for _ in benchmark.scaledIterations {
                    blackHole(try await registry.open(input, into: output, owner: owner, entryID: entryID))
                }
                benchmark.stopMeasurement()
            }
        }, setup: openSetup, teardown: teardown)

    Benchmark(
        "open \(label) registry new array", configuration: configuration(size),
        closure: { benchmark in
            let registry = fixture.unwrapped.workspace.registry
            let sealed = record.unwrapped
            for _ in benchmark.scaledIterations {
                blackHole(try await registry.open(sealed, owner: owner, entryID: entryID))
            }
        }, setup: openSetup, teardown: teardown)

    Benchmark("open \(label) raw C", configuration: configuration(size)) { benchmark in
        var sealed = [UInt8](repeating: 0, count: size + 57)
        baseline_record_seal(&sealed, payload, size, associatedData, associatedData.count, rawKey)
        var output = [UInt8](repeating: 0, count: size)
        output.withUnsafeMutableBufferPointer { output in
            sealed.withUnsafeBufferPointer { input in
                benchmark.startMeasurement()
                for _ in benchmark.scaledIterations {
                    precondition(
                        baseline_record_open(
                            output.baseAddress, input.baseAddress, input.count, associatedData, associatedData.count,
                            rawKey) == 0)
                }
                benchmark.stopMeasurement()
            }
        }
    }
}

extension Array where Element == UInt8 {
    /// `withUnsafeBytes` for an async body: the array is kept alive and unchanged across it.
    func withUnsafeBytesAsync<Result>(_ body: (UnsafeRawBufferPointer) async throws -> Result) async rethrows -> Result
    {
        let copy = UnsafeMutableRawBufferPointer.allocate(byteCount: count, alignment: 16)
        defer { copy.deallocate() }
        copy.copyBytes(from: self)
        return try await body(UnsafeRawBufferPointer(copy))
    }
}
