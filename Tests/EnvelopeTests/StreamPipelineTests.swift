import ActorKeys
import Testing

@testable import Envelope

/// A source that hands out `bytes` in reads of changing, odd sizes and does not say its size,
/// as a pipe does; it fails with `failure` once `failAt` bytes were read, when given.
struct ChoppySource: ByteSource {
    let bytes: [UInt8]
    var offset = 0
    var reads = 0
    var failAt: Int?

    init(_ bytes: [UInt8], failAt: Int? = nil) {
        self.bytes = bytes
        self.failAt = failAt
    }

    static let failure = EnvelopeError(.io, "cannot read test source: input/output error")

    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws(EnvelopeError) -> Int {
        if let failAt, offset >= failAt { throw Self.failure }
        reads += 1
        let sizes = [1, 4093, 65_537, 300_001, 17]
        let count = min(buffer.count, bytes.count - offset, sizes[reads % sizes.count])
        guard count > 0 else { return 0 }
        bytes.withUnsafeBytes { buffer.baseAddress!.copyMemory(from: $0.baseAddress! + offset, byteCount: count) }
        offset += count
        return count
    }
}

/// A sink that keeps what it is given and fails from write number `failOn` on, when given.
struct RecordingSink: ByteSink {
    var bytes: [UInt8] = []
    var writes = 0
    var failOn: Int?

    static let failure = EnvelopeError(.io, "cannot write test sink: no space left on device")

    mutating func write(_ bytes: UnsafeRawBufferPointer) throws(EnvelopeError) {
        writes += 1
        if let failOn, writes >= failOn { throw Self.failure }
        self.bytes.append(contentsOf: bytes)
    }
}

/// A source that says it holds 10 bytes and holds 200,000.
struct UnderstatingSource: ByteSource {
    var inner = BytesSource(pattern(200_000))
    var expectedByteCount: Int? { 10 }
    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws(EnvelopeError) -> Int {
        try inner.read(into: buffer)
    }
}

@Suite("STREAM on every core")
struct StreamPipelineTests {
    static let key = SecretBytes(copying: (0..<32).map { UInt8($0) })
    static let batch = Stream.chunksPerBatch * Stream.chunkSize
    static let sizes = [
        0, 1, 2 * Stream.chunkSize, 2 * Stream.chunkSize + 1, 3 * Stream.chunkSize - 1, batch - 1, batch, batch + 1,
        2 * batch, 2 * batch + 1, 3 * batch + Stream.chunkSize + 5,
    ]

    static func encrypt<Source: ByteSource>(_ source: Source, cores: Int) throws -> [UInt8] {
        var source = source
        var sink = RecordingSink()
        try Stream.encrypt(from: &source, to: &sink, key: key, cores: cores)
        return sink.bytes
    }

    static func decrypt<Source: ByteSource>(_ source: Source, cores: Int, into sink: inout RecordingSink) throws {
        var source = source
        try Stream.decrypt(from: &source, to: &sink, key: key, cores: cores)
    }

    @Test("two cores write exactly the bytes one core writes, from memory or a pipe", arguments: sizes)
    func sameBytesOnAnyCoreCount(size: Int) throws {
        let plaintext = pattern(size, seed: UInt8(truncatingIfNeeded: size / 7))
        let serial = try Self.encrypt(BytesSource(plaintext), cores: 1)
        let chunks = max(1, (size + Stream.chunkSize - 1) / Stream.chunkSize)
        #expect(serial.count == size + chunks * PayloadCipher.tagLength)
        for cores in [2, 3, 8] {
            let fromMemory = try Self.encrypt(BytesSource(plaintext), cores: cores) == serial
            let fromPipe = try Self.encrypt(ChoppySource(plaintext), cores: cores) == serial
            #expect(fromMemory, "\(cores) cores, from memory")
            #expect(fromPipe, "\(cores) cores, from a pipe")
        }
        for cores in [1, 2, 8] {
            var piped = RecordingSink()
            try Self.decrypt(ChoppySource(serial), cores: cores, into: &piped)
            let pipedSame = piped.bytes == plaintext
            #expect(pipedSame, "\(cores) cores, from a pipe")
            var sink = RecordingSink()
            try Self.decrypt(BytesSource(serial), cores: cores, into: &sink)
            let same = sink.bytes == plaintext
            #expect(same, "\(cores) cores, from memory")
        }
    }

    @Test("an altered chunk fails its batch: only the batches before it are written", arguments: [1, 2])
    func alteredChunkWritesNothingOfItsBatch(cores: Int) throws {
        let plaintext = pattern(3 * Self.batch + 100)
        var ciphertext = try Self.encrypt(BytesSource(plaintext), cores: 2)
        // Chunk 21 sits in the second batch (chunks 15–29).
        ciphertext[21 * Stream.sealedChunkSize + 5] ^= 0x40
        var sink = RecordingSink()
        let error = #expect(throws: EnvelopeError.self) {
            try Self.decrypt(ChoppySource(ciphertext), cores: cores, into: &sink)
        }
        #expect(error?.code == .malformedPayload)
        #expect(error?.message == "failed to decrypt and authenticate payload chunk")
        // The first batch holds back one byte of look-ahead: it opens chunks 0–14.
        let firstBatch = (Stream.chunksPerBatch - 1) * Stream.chunkSize
        #expect(sink.bytes.count == firstBatch)
        let same = sink.bytes.elementsEqual(plaintext.prefix(firstBatch))
        #expect(same)
    }

    @Test("the first failure of a batch in stream order is the one reported", arguments: [1, 2])
    func firstFailureInOrder(cores: Int) throws {
        // Five full chunks and an empty final chunk is not a valid STREAM: age refuses an
        // empty last chunk unless it is the only one. Chunk 2 is also altered: it comes first.
        let plaintext = pattern(5 * Stream.chunkSize)
        var ciphertext = try Self.encrypt(BytesSource(plaintext), cores: 1)
        ciphertext.removeLast(Stream.sealedChunkSize)
        ciphertext += Self.lastChunkResealed(plaintext, chunks: 5)
        var sink = RecordingSink()
        let empty = #expect(throws: EnvelopeError.self) {
            try Self.decrypt(BytesSource(ciphertext), cores: cores, into: &sink)
        }
        #expect(empty?.message == "final payload chunk is empty")
        ciphertext[2 * Stream.sealedChunkSize] ^= 1
        let altered = #expect(throws: EnvelopeError.self) {
            try Self.decrypt(BytesSource(ciphertext), cores: cores, into: &sink)
        }
        #expect(altered?.message == "failed to decrypt and authenticate payload chunk")
        #expect(sink.bytes.isEmpty)
    }

    /// Chunk `chunks - 1` of `plaintext` sealed as not last, then an empty chunk sealed as last.
    static func lastChunkResealed(_ plaintext: [UInt8], chunks: Int) -> [UInt8] {
        let cipher = PayloadCipher(key: key, direction: .seal)
        var sealed = [UInt8](repeating: 0, count: Stream.sealedChunkSize + PayloadCipher.tagLength)
        let start = (chunks - 1) * Stream.chunkSize
        plaintext[start..<(start + Stream.chunkSize)].withUnsafeBytes { input in
            sealed.withUnsafeMutableBytes { output in
                Stream.withChunkNonce(UInt64(chunks - 1), last: false) {
                    cipher.seal(
                        input, into: UnsafeMutableRawBufferPointer(rebasing: output[0..<Stream.sealedChunkSize]),
                        nonce: $0)
                }
                Stream.withChunkNonce(UInt64(chunks), last: true) {
                    cipher.seal(
                        UnsafeRawBufferPointer(rebasing: input[0..<0]),
                        into: UnsafeMutableRawBufferPointer(rebasing: output[Stream.sealedChunkSize...]), nonce: $0)
                }
            }
        }
        return sealed
    }

    @Test("a failing sink or source stops the stream with its own error", arguments: [1, 2])
    func ioFailures(cores: Int) throws {
        let plaintext = pattern(4 * Self.batch)
        var sink = RecordingSink(failOn: 2)
        var source = BytesSource(plaintext)
        let written = #expect(throws: EnvelopeError.self) {
            try Stream.encrypt(from: &source, to: &sink, key: Self.key, cores: cores)
        }
        #expect(written?.message == RecordingSink.failure.message)
        #expect(sink.bytes.count == (Stream.chunksPerBatch - 1) * Stream.sealedChunkSize)
        var failing = ChoppySource(plaintext, failAt: 2 * Self.batch + 3)
        var collected = RecordingSink()
        let read = #expect(throws: EnvelopeError.self) {
            try Stream.encrypt(from: &failing, to: &collected, key: Self.key, cores: cores)
        }
        #expect(read?.message == ChoppySource.failure.message)
    }

    @Test("a source holding more than it said is refused, not looped on", arguments: [1, 2])
    func understatedSize(cores: Int) throws {
        var source = UnderstatingSource()
        var sink = RecordingSink()
        let error = #expect(throws: EnvelopeError.self) {
            try Stream.encrypt(from: &source, to: &sink, key: Self.key, cores: cores)
        }
        #expect(error?.code == .invalidArgument)
        #expect(sink.bytes.isEmpty)
    }
}
