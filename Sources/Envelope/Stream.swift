import ActorKeys
internal import CSodium

/// Stream is age's STREAM payload: 64 KiB chunks sealed with ChaCha20-Poly1305 under nonces
/// made of an 11-byte big-endian counter and a last-chunk flag.
///
/// Both directions run in a StreamPipeline: batches of chunks in fixed buffers, on every core,
/// so memory stays constant for any size. Whether a chunk is the last one is only known once
/// the input has ended; the final chunk may be full; it is empty only when the whole payload is.
enum Stream {
    static let chunkSize = 64 * 1024
    static let sealedChunkSize = chunkSize + PayloadCipher.tagLength
    static let chunksPerBatch = 16
    static let nonceLength = 16

    private static let authenticationFailed = EnvelopeError(
        .malformedPayload, "failed to decrypt and authenticate payload chunk")
    static let truncated = EnvelopeError(.malformedPayload, "payload is truncated: no final chunk")
    private static let emptyLastChunk = EnvelopeError(.malformedPayload, "final payload chunk is empty")

    /// The payload key: HKDF(file key, payload nonce, "payload").
    static func payloadKey(fileKey: SecretBytes, nonce: [UInt8]) -> SecretBytes {
        Primitives.hkdf(ikm: fileKey, salt: nonce, info: Primitives.payloadInfo)
    }

    /// Calls `body` with the 12-byte nonce of chunk `counter`: an 88-bit big-endian counter
    /// (whose top three bytes stay zero for any real file) and the last-chunk flag.
    static func withChunkNonce<Result>(
        _ counter: UInt64, last: Bool, _ body: (UnsafeRawBufferPointer) -> Result
    ) -> Result {
        var nonce: (UInt64, UInt64) = (0, 0)
        return withUnsafeMutableBytes(of: &nonce) { raw in
            raw.storeBytes(of: counter.bigEndian, toByteOffset: 3, as: UInt64.self)
            raw[11] = last ? 1 : 0
            return body(UnsafeRawBufferPointer(rebasing: raw[0..<PayloadCipher.nonceLength]))
        }
    }

    /// Encrypts everything `source` holds into `sink`.
    static func encrypt<Source: ByteSource, Sink: ByteSink>(
        from source: inout Source, to sink: inout Sink, key: SecretBytes, cores: Int = BatchLanes.onlineCores
    ) throws(EnvelopeError) {
        let expected = source.expectedByteCount
        try process(
            from: &source, to: &sink, inputUnit: chunkSize, outputUnit: sealedChunkSize, zeroing: .input, cores: cores,
            makeCipher: { PayloadCipher(key: key, direction: .seal, expectedSize: expected) },
            transform: { cipher, chunk, output, counter, last throws(EnvelopeError) in
                withChunkNonce(counter, last: last) { cipher.seal(chunk, into: output, nonce: $0) }
            })
    }

    /// Decrypts the payload in `source` into `sink`. Each chunk is authenticated before any of
    /// its plaintext is written; a truncated, extended or altered payload is `.malformedPayload`.
    static func decrypt<Source: ByteSource, Sink: ByteSink>(
        from source: inout Source, to sink: inout Sink, key: SecretBytes, cores: Int = BatchLanes.onlineCores
    ) throws(EnvelopeError) {
        let expected = source.expectedByteCount
        try process(
            from: &source, to: &sink, inputUnit: sealedChunkSize, outputUnit: chunkSize, zeroing: .output, cores: cores,
            makeCipher: { PayloadCipher(key: key, direction: .open, expectedSize: expected) },
            transform: { cipher, chunk, output, counter, last throws(EnvelopeError) in
                guard chunk.count >= PayloadCipher.tagLength else { throw authenticationFailed }
                if last && chunk.count == PayloadCipher.tagLength && counter > 0 { throw emptyLastChunk }
                guard withChunkNonce(counter, last: last, { cipher.open(chunk, into: output, nonce: $0) }) else {
                    throw authenticationFailed
                }
            })
    }

    /// Copies the payload in `source` to `sink` unchanged, each chunk authenticated (as
    /// `decrypt` does) before it is written: what rekeying writes after its new header. The
    /// plaintext of a chunk exists only in the output buffer, overwritten by the chunk itself.
    static func verifyingCopy<Source: ByteSource, Sink: ByteSink>(
        from source: inout Source, to sink: inout Sink, key: SecretBytes, cores: Int = BatchLanes.onlineCores
    ) throws(EnvelopeError) {
        let expected = source.expectedByteCount
        try process(
            from: &source, to: &sink, inputUnit: sealedChunkSize, outputUnit: sealedChunkSize, zeroing: .output,
            cores: cores,
            makeCipher: { PayloadCipher(key: key, direction: .open, expectedSize: expected) },
            transform: { cipher, chunk, output, counter, last throws(EnvelopeError) in
                guard chunk.count >= PayloadCipher.tagLength else { throw authenticationFailed }
                if last && chunk.count == PayloadCipher.tagLength && counter > 0 { throw emptyLastChunk }
                let plaintext = UnsafeMutableRawBufferPointer(
                    rebasing: output[0..<(chunk.count - PayloadCipher.tagLength)])
                guard withChunkNonce(counter, last: last, { cipher.open(chunk, into: plaintext, nonce: $0) }) else {
                    throw authenticationFailed
                }
                output.copyMemory(from: chunk)
            })
    }
}

extension Stream {
    /// Runs a StreamPipeline over `source` and `sink`, and hands both back, advanced.
    private static func process<Source: ByteSource, Sink: ByteSink>(
        from source: inout Source, to sink: inout Sink, inputUnit: Int, outputUnit: Int,
        zeroing plaintext: StreamPipeline<Source, Sink>.PlaintextSide, cores: Int,
        makeCipher: @escaping () -> PayloadCipher, transform: @escaping StreamPipeline<Source, Sink>.Transform
    ) throws(EnvelopeError) {
        let pipeline = StreamPipeline(
            source: source, sink: sink, inputUnit: inputUnit, outputUnit: outputUnit, zeroing: plaintext,
            cores: cores, makeCipher: makeCipher, transform: transform)
        defer {
            source = pipeline.source
            sink = pipeline.sink
        }
        try pipeline.run()
    }
}
