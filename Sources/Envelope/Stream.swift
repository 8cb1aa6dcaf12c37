import ActorKeys
internal import CSodium

/// Stream is age's STREAM payload: 64 KiB chunks sealed with ChaCha20-Poly1305 under nonces
/// made of an 11-byte big-endian counter and a last-chunk flag.
///
/// Both directions read into a fixed buffer, so memory stays constant for any size, and always
/// hold back at least one byte of look-ahead: whether a chunk is the last one is only known
/// once the input has ended. The final chunk may be full; it is empty only when the whole
/// payload is. When the source knows its size the buffer is no larger than the input.
enum Stream {
    static let chunkSize = 64 * 1024
    static let sealedChunkSize = chunkSize + PayloadCipher.tagLength
    static let chunksPerBatch = 16
    static let nonceLength = 16

    private static let authenticationFailed = EnvelopeError(
        .malformedPayload, "failed to decrypt and authenticate payload chunk")
    private static let truncated = EnvelopeError(.malformedPayload, "payload is truncated: no final chunk")
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

    /// The input buffer size: a batch of chunks, or just past the input when its size is known.
    private static func capacity(unit: Int, expected: Int?) -> Int {
        let batch = chunksPerBatch * unit
        guard let expected else { return batch }
        return min(batch, expected + 1)
    }

    /// Encrypts everything `source` holds into `sink`.
    static func encrypt<Source: ByteSource, Sink: ByteSink>(
        from source: inout Source, to sink: inout Sink, key: SecretBytes
    ) throws(EnvelopeError) {
        let cipher = PayloadCipher(key: key, direction: .seal, expectedSize: source.expectedByteCount)
        try process(from: &source, to: &sink, inputUnit: chunkSize, outputUnit: sealedChunkSize, zeroing: .input) {
            chunk, output, counter, last throws(EnvelopeError) in
            withChunkNonce(counter, last: last) { cipher.seal(chunk, into: output, nonce: $0) }
        }
    }

    /// Decrypts the payload in `source` into `sink`. Each chunk is authenticated before any of
    /// its plaintext is written; a truncated, extended or altered payload is `.malformedPayload`.
    static func decrypt<Source: ByteSource, Sink: ByteSink>(
        from source: inout Source, to sink: inout Sink, key: SecretBytes
    ) throws(EnvelopeError) {
        let cipher = PayloadCipher(key: key, direction: .open, expectedSize: source.expectedByteCount)
        try process(from: &source, to: &sink, inputUnit: sealedChunkSize, outputUnit: chunkSize, zeroing: .output) {
            chunk, output, counter, last throws(EnvelopeError) in
            guard chunk.count >= PayloadCipher.tagLength else { throw authenticationFailed }
            if last && chunk.count == PayloadCipher.tagLength && counter > 0 { throw emptyLastChunk }
            guard withChunkNonce(counter, last: last, { cipher.open(chunk, into: output, nonce: $0) }) else {
                throw authenticationFailed
            }
        }
    }

    private enum PlaintextSide { case input, output }

    /// The batching loop shared by both directions. `transform` turns one input chunk of up to
    /// `inputUnit` bytes into exactly `chunk.count - inputUnit + outputUnit` output bytes.
    private static func process<Source: ByteSource, Sink: ByteSink>(
        from source: inout Source, to sink: inout Sink, inputUnit: Int, outputUnit: Int,
        zeroing plaintext: PlaintextSide,
        transform: (UnsafeRawBufferPointer, UnsafeMutableRawBufferPointer, UInt64, Bool) throws(EnvelopeError) -> Void
    ) throws(EnvelopeError) {
        let inputCapacity = capacity(unit: inputUnit, expected: source.expectedByteCount)
        let maxChunks = (inputCapacity + inputUnit - 1) / inputUnit
        let input = UnsafeMutableRawBufferPointer.allocate(byteCount: inputCapacity, alignment: 64)
        let output = UnsafeMutableRawBufferPointer.allocate(
            byteCount: inputCapacity + maxChunks * max(0, outputUnit - inputUnit), alignment: 64)
        // Plaintext (possibly a data key) does not outlive the call. Only the bytes ever written
        // are zeroed (a small file from a pipe uses a few bytes of a 1 MiB batch buffer): output
        // is counted before each chunk is opened into it; input after each read, so a read that
        // fails part way, having written an unknown count, zeroes all of it.
        var written = 0
        var finished = false
        defer {
            let side = plaintext == .input ? input : output
            sodium_memzero(side.baseAddress!, plaintext == .input && !finished ? side.count : written)
            input.deallocate()
            output.deallocate()
        }
        let growth = outputUnit - inputUnit
        var counter: UInt64 = 0
        var pending = 0  // look-ahead carried over from the previous round, at the start of `input`
        while true {
            let filled =
                pending + (try source.readFully(into: UnsafeMutableRawBufferPointer(rebasing: input[pending...])))
            if plaintext == .input { written = max(written, filled) }
            let ended = filled < inputCapacity
            // Until the input has ended, keep at least one byte back: it decides which chunk is last.
            let chunks = ended ? (filled + inputUnit - 1) / inputUnit : (filled - 1) / inputUnit
            guard chunks > 0 || ended else { throw EnvelopeError(.invalidArgument, "buffer too small for one chunk") }
            if ended && chunks == 0 {
                // Encryption of empty input: one empty final chunk. Decryption: nothing to open.
                guard growth > 0 else { throw truncated }
                try transform(
                    UnsafeRawBufferPointer(rebasing: input[0..<0]),
                    UnsafeMutableRawBufferPointer(rebasing: output[0..<growth]), counter, true)
                try sink.write(UnsafeRawBufferPointer(rebasing: output[0..<growth]))
                finished = true
                return
            }
            var produced = 0
            for index in 0..<chunks {
                let begin = index * inputUnit
                let length = min(inputUnit, filled - begin)
                let outputLength = max(0, length + growth)
                if plaintext == .output { written = max(written, produced + outputLength) }
                try transform(
                    UnsafeRawBufferPointer(rebasing: input[begin..<(begin + length)]),
                    UnsafeMutableRawBufferPointer(rebasing: output[produced..<(produced + outputLength)]),
                    counter, ended && index == chunks - 1)
                produced += outputLength
                counter += 1
            }
            try sink.write(UnsafeRawBufferPointer(rebasing: output[0..<produced]))
            if ended {
                finished = true
                return
            }
            pending = filled - chunks * inputUnit
            input.baseAddress!.copyMemory(from: input.baseAddress! + chunks * inputUnit, byteCount: pending)
        }
    }
}
