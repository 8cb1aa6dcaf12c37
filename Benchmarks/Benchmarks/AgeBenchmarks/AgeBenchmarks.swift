import ActorKeys
import Benchmark
import BenchmarkSupport
import CBaselines
import Envelope

// age files next to a complete age implementation in C with no parsing (CBaselines): a file per
// payload size, the data-key wrap (32 bytes to one recipient), and the STREAM path at 256 MiB
// against age's 64 KiB chunking in raw OpenSSL. The peer comparison (Benchmarks/compare-peers)
// puts pyrage and the age CLI beside these.

let benchmarks: @Sendable () -> Void = {
    precondition(baseline_init() == 0)
    for (label, size) in Sizes.all {
        fileBenchmarks(label: label, size: size)
    }
    dataKeyBenchmarks()
    streamBenchmarks()
    ratioBenchmarks()
}

/// Memory a ratio benchmark's closures share.
final class Shared: @unchecked Sendable {
    var bytes: [UInt8] = []
    var file: [UInt8] = []
    var rawFile: [UInt8] = []
    var output: [UInt8] = []
    var context: UnsafeMutableRawPointer?
}

/// age files and STREAM against C, alternately in one process.
func ratioBenchmarks() {
    let keys = KeyPair()
    let payload = Sizes.payload(1024)
    let small = Shared()
    small.file = try! Age.encrypt(payload, to: [keys.recipient])
    small.rawFile = [UInt8](repeating: 0, count: baseline_age_sealed_length(1024))
    precondition(
        baseline_age_encrypt(&small.rawFile, small.rawFile.count, keys.point, payload, 1024) == small.rawFile.count)
    small.output = [UInt8](repeating: 0, count: baseline_age_sealed_length(1024))
    let point = keys.point
    let scalar = keys.scalar
    Ratio.benchmark(
        "ratio age encrypt 1KiB", operations: 20,
        ours: {
            blackHole(try Age.encrypt(payload, to: [keys.recipient]))
        },
        baseline: {
            precondition(baseline_age_encrypt(&small.output, small.output.count, point, payload, 1024) > 0)
        })
    Ratio.benchmark(
        "ratio age decrypt 1KiB", operations: 20,
        ours: {
            blackHole(try Age.decrypt(small.file, with: [keys.identity]))
        },
        baseline: {
            precondition(baseline_age_decrypt(&small.output, scalar, small.rawFile, small.rawFile.count) == 1024)
        })

    let size = 256 * 1024 * 1024
    let chunks = (size + 65_535) / 65_536
    let large = Shared()
    let setup: @Sendable () async throws -> Void = {
        large.bytes = Sizes.payload(size)
        large.file = try Age.encrypt(large.bytes, to: [keys.recipient])
        large.output = [UInt8](repeating: 0, count: size + 16 * chunks)
        large.rawFile = [UInt8](repeating: 0, count: size + 16 * chunks)
        large.context = baseline_openssl_context_new([UInt8](repeating: 1, count: 32))
        baseline_openssl_stream_seal(large.context, &large.rawFile, large.bytes, size)
    }
    let teardown: @Sendable () async throws -> Void = {
        baseline_openssl_context_free(large.context)
        large.bytes = []
        large.file = []
        large.rawFile = []
        large.output = []
    }
    Ratio.benchmark(
        "ratio age stream encrypt 256MiB", operations: 1, rounds: 10, seconds: 10, setup: setup, teardown: teardown,
        ours: {
            var source = BytesSource(large.bytes)
            var sink = DiscardingSink()
            try Age.encrypt(from: &source, to: &sink, recipients: [keys.recipient])
            blackHole(sink.count)
        },
        baseline: {
            baseline_openssl_stream_seal(large.context, &large.output, large.bytes, size)
        })
    Ratio.benchmark(
        "ratio age stream decrypt 256MiB", operations: 1, rounds: 10, seconds: 10, setup: setup, teardown: teardown,
        ours: {
            var source = BytesSource(large.file)
            var sink = DiscardingSink()
            try Age.decrypt(from: &source, to: &sink, identities: [keys.identity])
            blackHole(sink.count)
        },
        baseline: {
            precondition(
                baseline_openssl_stream_open(large.context, &large.output, large.rawFile, large.rawFile.count) == 0)
        })
}

private func configuration(_ size: Int) -> Benchmark.Configuration {
    .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal],
        timeUnits: .microseconds,
        warmupIterations: 10,
        maxDuration: .seconds(2),
        maxIterations: size >= 1024 * 1024 ? 2_000 : 100_000
    )
}

/// An identity and its raw X25519 scalar, for the C baseline.
private struct KeyPair {
    let scalar: [UInt8]
    let identity: X25519Identity

    init() {
        var scalar = [UInt8](repeating: 0, count: 32)
        baseline_random(&scalar, 32)
        self.scalar = scalar
        identity = scalar.withUnsafeBytes { X25519Identity(secretKey: SecretBytes(copying: $0)) }
    }

    var recipient: X25519Recipient { identity.recipient }
    var point: [UInt8] { identity.recipient.publicKey }
}

func fileBenchmarks(label: String, size: Int) {
    let payload = Sizes.payload(size)
    let keys = KeyPair()
    let recipients: [any Recipient] = [keys.recipient]
    let identities: [any Identity] = [keys.identity]

    Benchmark("age encrypt \(label)", configuration: configuration(size)) { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try Age.encrypt(payload, to: recipients)) }
    }
    Benchmark("age encrypt \(label) raw C", configuration: configuration(size)) { benchmark in
        let point = keys.point
        var output = [UInt8](repeating: 0, count: baseline_age_sealed_length(size))
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            precondition(baseline_age_encrypt(&output, output.count, point, payload, size) == output.count)
        }
        benchmark.stopMeasurement()
    }
    Benchmark("age decrypt \(label)", configuration: configuration(size)) { benchmark in
        let file = try Age.encrypt(payload, to: recipients)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations { blackHole(try Age.decrypt(file, with: identities)) }
        benchmark.stopMeasurement()
    }
    Benchmark("age decrypt \(label) raw C", configuration: configuration(size)) { benchmark in
        let point = keys.point
        let scalar = keys.scalar
        var file = [UInt8](repeating: 0, count: baseline_age_sealed_length(size))
        precondition(baseline_age_encrypt(&file, file.count, point, payload, size) == file.count)
        var output = [UInt8](repeating: 0, count: size)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            precondition(baseline_age_decrypt(&output, scalar, file, file.count) == size)
        }
        benchmark.stopMeasurement()
    }
}

/// What the registry does on a mint and on a cold miss: a 32-byte data key as an age file.
func dataKeyBenchmarks() {
    let keys = KeyPair()
    let recipients = [AgeRecipient.x25519(keys.recipient)]
    let identities: [any Identity] = [keys.identity]
    Benchmark("data key wrap", configuration: configuration(32)) { benchmark in
        let dataKey = DataKey.generate()
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations { blackHole(try dataKey.wrap(to: recipients)) }
        benchmark.stopMeasurement()
    }
    Benchmark("data key unwrap", configuration: configuration(32)) { benchmark in
        let dataKey = DataKey.generate()
        let wrapped = try dataKey.wrap(to: recipients)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(try DataKey.unwrap(wrapped, expectedID: dataKey.id, with: identities))
        }
        benchmark.stopMeasurement()
    }

    // The same pairs alternately in one process, which a machine that drifts (or is shared)
    // cannot skew: the CI gate reads these.
    let dataKey = DataKey.generate()
    let wrapped = try! dataKey.wrap(to: recipients)
    let payload = Sizes.payload(64)
    let raw = Shared()
    raw.rawFile = [UInt8](repeating: 0, count: baseline_age_sealed_length(64))
    precondition(baseline_age_encrypt(&raw.rawFile, raw.rawFile.count, keys.point, payload, 64) == raw.rawFile.count)
    raw.output = [UInt8](repeating: 0, count: baseline_age_sealed_length(64))
    let point = keys.point
    let scalar = keys.scalar
    Ratio.benchmark(
        "ratio data key wrap", operations: 20,
        ours: { blackHole(try dataKey.wrap(to: recipients)) },
        baseline: {
            precondition(baseline_age_encrypt(&raw.output, raw.output.count, point, payload, 64) > 0)
        })
    Ratio.benchmark(
        "ratio data key unwrap", operations: 20,
        ours: { blackHole(try DataKey.unwrap(wrapped, expectedID: dataKey.id, with: identities)) },
        baseline: {
            precondition(baseline_age_decrypt(&raw.output, scalar, raw.rawFile, raw.rawFile.count) == 64)
        })
    postQuantumDataKeyBenchmarks(dataKey: dataKey, classic: (recipients, identities, wrapped))
}

/// A data key wrapped to a post-quantum (mlkem768x25519) key against the same to X25519: what a
/// post-quantum actor's mint and cold miss cost more, alternately in one process.
func postQuantumDataKeyBenchmarks(
    dataKey: DataKey, classic: (recipients: [AgeRecipient], identities: [any Identity], wrapped: [UInt8])
) {
    let hybrid = HybridIdentity.generate()
    let recipients = [AgeRecipient.hybrid(hybrid.recipient)]
    let identities: [any Identity] = [hybrid]
    let wrapped = try! dataKey.wrap(to: recipients)
    Benchmark("data key wrap mlkem768x25519", configuration: configuration(32)) { benchmark in
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations { blackHole(try dataKey.wrap(to: recipients)) }
        benchmark.stopMeasurement()
    }
    Benchmark("data key unwrap mlkem768x25519", configuration: configuration(32)) { benchmark in
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(try DataKey.unwrap(wrapped, expectedID: dataKey.id, with: identities))
        }
        benchmark.stopMeasurement()
    }
    Ratio.benchmark(
        "ratio data key wrap mlkem768x25519 vs x25519", operations: 20,
        ours: { blackHole(try dataKey.wrap(to: recipients)) },
        baseline: { blackHole(try dataKey.wrap(to: classic.recipients)) })
    Ratio.benchmark(
        "ratio data key unwrap mlkem768x25519 vs x25519", operations: 20,
        ours: { blackHole(try DataKey.unwrap(wrapped, expectedID: dataKey.id, with: identities)) },
        baseline: { blackHole(try DataKey.unwrap(classic.wrapped, expectedID: dataKey.id, with: classic.identities)) })
}

/// A sink that drops what it is given, as writing to /dev/null does.
struct DiscardingSink: ByteSink {
    var count = 0
    mutating func write(_ bytes: UnsafeRawBufferPointer) throws(EnvelopeError) { count += bytes.count }
}

func streamBenchmarks() {
    let size = 256 * 1024 * 1024
    let keys = KeyPair()
    let streamConfiguration = Benchmark.Configuration(
        metrics: [.wallClock, .throughput, .peakMemoryResidentDelta], timeUnits: .milliseconds,
        warmupIterations: 1, maxDuration: .seconds(5), maxIterations: 15)
    let chunks = (size + 65_535) / 65_536  // a multiple of 64 KiB: the last chunk is full, none follows

    Benchmark("age stream encrypt 256MiB", configuration: streamConfiguration) { benchmark in
        let payload = Sizes.payload(size)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            var source = BytesSource(payload)
            var sink = DiscardingSink()
            try Age.encrypt(from: &source, to: &sink, recipients: [keys.recipient])
            blackHole(sink.count)
        }
        benchmark.stopMeasurement()
    }
    Benchmark("age stream decrypt 256MiB", configuration: streamConfiguration) { benchmark in
        let file = try Age.encrypt(Sizes.payload(size), to: [keys.recipient])
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            var source = BytesSource(file)
            var sink = DiscardingSink()
            try Age.decrypt(from: &source, to: &sink, identities: [keys.identity])
            blackHole(sink.count)
        }
        benchmark.stopMeasurement()
    }
    Benchmark("STREAM seal 256MiB raw C", configuration: streamConfiguration) { benchmark in
        let payload = Sizes.payload(size)
        var output = [UInt8](repeating: 0, count: size + 16 * chunks)
        let context = baseline_openssl_context_new([UInt8](repeating: 1, count: 32))
        defer { baseline_openssl_context_free(context) }
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations { baseline_openssl_stream_seal(context, &output, payload, size) }
        benchmark.stopMeasurement()
    }
    Benchmark("STREAM open 256MiB raw C", configuration: streamConfiguration) { benchmark in
        let payload = Sizes.payload(size)
        var sealed = [UInt8](repeating: 0, count: size + 16 * chunks)
        let context = baseline_openssl_context_new([UInt8](repeating: 1, count: 32))
        defer { baseline_openssl_context_free(context) }
        baseline_openssl_stream_seal(context, &sealed, payload, size)
        var output = [UInt8](repeating: 0, count: size)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            precondition(baseline_openssl_stream_open(context, &output, sealed, sealed.count) == 0)
        }
        benchmark.stopMeasurement()
    }
}
