import ActorKeys
import Benchmark
import CBaselines
import Envelope

// Each actorkeys benchmark stands next to its raw C baseline (CBaselines) in the same binary,
// so the ratio between them holds on a noisy machine even when absolute times do not.

private let oneKiB = [UInt8](repeating: 0x61, count: 1024)

let benchmarks: @Sendable () -> Void = {
    precondition(baseline_init() == 0)
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal],
        warmupIterations: 3,
        maxDuration: .seconds(3),
        maxIterations: 10_000
    )
    recordBenchmarks()
    aeadBenchmarks()
    ageBenchmarks()
}

/// Record envelope seal/open of 1 KiB, against the same construction in C.
func recordBenchmarks() {
    let kilo = Benchmark.Configuration(scalingFactor: .kilo)
    let dataKey = DataKey.generate()
    let context = try! RecordContext(owner: .actor(try! ActorID("alice")), entryID: "01JD7Y8Q2W3E4R5T6Y7U8I9O0P")
    let associatedData = [UInt8](repeating: 7, count: 17 + 1 + 1 + 5 + 1 + 26)
    let rawKey = [UInt8](repeating: 0x42, count: 32)

    Benchmark("record seal 1 KiB: actorkeys", configuration: kilo) { benchmark in
        var output = [UInt8](repeating: 0, count: oneKiB.count + RecordEnvelope.overhead)
        try oneKiB.withUnsafeBytes { input in
            try output.withUnsafeMutableBytes { output in
                for _ in benchmark.scaledIterations {
                    blackHole(try RecordEnvelope.seal(input, into: output, with: dataKey, context: context))
                }
            }
        }
    }
    Benchmark("record seal 1 KiB: raw C libsodium", configuration: kilo) { benchmark in
        var output = [UInt8](repeating: 0, count: oneKiB.count + 57)
        for _ in benchmark.scaledIterations {
            baseline_record_seal(&output, oneKiB, oneKiB.count, associatedData, associatedData.count, rawKey)
            blackHole(output[20])
        }
    }

    let record = try! RecordEnvelope.seal(oneKiB, with: dataKey, context: context)
    var rawRecord = [UInt8](repeating: 0, count: oneKiB.count + 57)
    baseline_record_seal(&rawRecord, oneKiB, oneKiB.count, associatedData, associatedData.count, rawKey)
    let sealedRaw = rawRecord
    Benchmark("record open 1 KiB: actorkeys", configuration: kilo) { benchmark in
        var output = [UInt8](repeating: 0, count: oneKiB.count)
        try record.withUnsafeBytes { input in
            try output.withUnsafeMutableBytes { output in
                for _ in benchmark.scaledIterations {
                    blackHole(try RecordEnvelope.open(input, into: output, with: dataKey, context: context))
                }
            }
        }
    }
    Benchmark("record open 1 KiB: raw C libsodium", configuration: kilo) { benchmark in
        var output = [UInt8](repeating: 0, count: oneKiB.count)
        for _ in benchmark.scaledIterations {
            precondition(baseline_record_open(&output, sealedRaw, sealedRaw.count, associatedData, associatedData.count, rawKey) == 0)
        }
    }
    Benchmark("record seal 1 KiB into a new array: actorkeys", configuration: kilo) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try RecordEnvelope.seal(oneKiB, with: dataKey, context: context))
        }
    }
}

/// The bulk AEAD: which library to use for STREAM chunks (docs/decisions/0001-aead-backend.md).
func aeadBenchmarks() {
    let key = [UInt8](repeating: 0x42, count: 32)
    let nonce = [UInt8](repeating: 0, count: 12)
    for size in [64 * 1024, 1024 * 1024] {
        let input = [UInt8](repeating: 0x61, count: size)
        let label = size == 64 * 1024 ? "64 KiB" : "1 MiB"
        let configuration = Benchmark.Configuration(metrics: [.wallClock, .throughput], maxDuration: .seconds(2))
        Benchmark("ChaCha20-Poly1305 \(label): raw C OpenSSL EVP", configuration: configuration) { benchmark in
            var output = [UInt8](repeating: 0, count: size + 16)
            let context = baseline_openssl_context_new(key)
            defer { baseline_openssl_context_free(context) }
            for _ in benchmark.scaledIterations { baseline_openssl_chacha_seal(context, &output, input, size, nonce) }
        }
        Benchmark("ChaCha20-Poly1305 \(label): raw C libsodium", configuration: configuration) { benchmark in
            var output = [UInt8](repeating: 0, count: size + 16)
            for _ in benchmark.scaledIterations { baseline_sodium_chacha_seal(&output, input, size, nonce, key) }
        }
    }
}

/// age files: one recipient, small (a data key's size) and large (the STREAM path).
func ageBenchmarks() {
    let identity = X25519Identity.generate()
    let recipients: [any Recipient] = [identity.recipient]
    let identities: [any Identity] = [identity]
    let small = Benchmark.Configuration(metrics: [.wallClock, .throughput, .mallocCountTotal], maxDuration: .seconds(3))
    Benchmark("age encrypt 1 KiB, 1 X25519 recipient: actorkeys", configuration: small) { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try Age.encrypt(oneKiB, to: recipients)) }
    }
    let smallFile = try! Age.encrypt(oneKiB, to: recipients)
    Benchmark("age decrypt 1 KiB, 1 X25519 recipient: actorkeys", configuration: small) { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try Age.decrypt(smallFile, with: identities)) }
    }

    let size = 64 * 1024 * 1024
    let large = [UInt8](repeating: 0x61, count: size)
    let bulk = Benchmark.Configuration(metrics: [.wallClock, .throughput, .peakMemoryResidentDelta], maxDuration: .seconds(4), maxIterations: 20)
    Benchmark("age encrypt 64 MiB: actorkeys", configuration: bulk) { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try Age.encrypt(large, to: recipients).count) }
    }
    let largeFile = try! Age.encrypt(large, to: recipients)
    Benchmark("age decrypt 64 MiB: actorkeys", configuration: bulk) { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try Age.decrypt(largeFile, with: identities).count) }
    }
    Benchmark("age STREAM seal 64 MiB: raw C OpenSSL", configuration: bulk) { benchmark in
        var output = [UInt8](repeating: 0, count: size + 16 * (size / 65_536 + 1))
        let context = baseline_openssl_context_new([UInt8](repeating: 1, count: 32))
        defer { baseline_openssl_context_free(context) }
        for _ in benchmark.scaledIterations { baseline_openssl_stream_seal(context, &output, large, size) }
    }
}
