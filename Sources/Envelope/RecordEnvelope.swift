import ActorKeys
internal import CSodium

/// RecordEnvelope seals one ledger payload under a data key (docs/record-format.md):
///
///     version (1) || data key id (16) || nonce (24) || XChaCha20-Poly1305 ciphertext || tag (16)
///
/// The nonce is random, so one data key can seal very many records. The associated data binds
/// the version, the data key id, the owner and the entry id. The overhead is 57 bytes.
public enum RecordEnvelope {
    public static let version: UInt8 = 1
    static let headerLength = 1 + DataKeyID.byteCount
    static let nonceLength = Int(crypto_aead_xchacha20poly1305_ietf_NPUBBYTES)
    static let tagLength = Int(crypto_aead_xchacha20poly1305_ietf_ABYTES)
    /// Bytes a sealed record adds to its plaintext.
    public static let overhead = headerLength + nonceLength + tagLength

    // Allocated once: the open path must not allocate to report a failure.
    static let truncated = EnvelopeError(.malformedRecord, "record is truncated")
    static let unknownVersion = EnvelopeError(.malformedRecord, "record has an unknown version")
    static let wrongDataKey = EnvelopeError(.malformedRecord, "record was sealed under another data key")
    static let authenticationFailed = EnvelopeError(
        .malformedRecord, "record failed to authenticate: wrong key, wrong context or altered bytes")
    static let outputTooSmall = EnvelopeError(.invalidArgument, "output buffer too small")

    /// The data key id a record was sealed under, to find the key that opens it.
    public static func dataKeyID(of record: UnsafeRawBufferPointer) throws(EnvelopeError) -> DataKeyID {
        guard record.count >= overhead else { throw truncated }
        guard record[0] == version else { throw unknownVersion }
        return DataKeyID(bytes: UnsafeRawBufferPointer(rebasing: record[1..<headerLength]))
    }

    public static func dataKeyID(of record: [UInt8]) throws(EnvelopeError) -> DataKeyID {
        try record.withBytes { raw throws(EnvelopeError) in try dataKeyID(of: raw) }
    }

    /// Seals `plaintext` into `output`, which must hold `plaintext.count + overhead` bytes;
    /// returns the record length. Allocates nothing.
    public static func seal(
        _ plaintext: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer,
        with dataKey: DataKey, context: RecordContext
    ) throws(EnvelopeError) -> Int {
        guard output.count >= plaintext.count + overhead else { throw outputTooSmall }
        Primitives.ensureInitialized()
        NoncePool.fill(output.baseAddress! + headerLength, count: nonceLength)
        return try seal(plaintext, into: output, with: dataKey, context: context, nonceInPlace: ())
    }

    /// Seals each plaintext for its context under one data key, into new arrays. The nonces
    /// are drawn together for the whole batch. A large batch is sealed on several cores at once.
    public static func seal(
        _ plaintexts: [[UInt8]], with dataKey: DataKey, contexts: [RecordContext]
    ) throws(EnvelopeError) -> [[UInt8]] {
        precondition(plaintexts.count == contexts.count, "one context per plaintext")
        guard !plaintexts.isEmpty else { return [] }
        Primitives.ensureInitialized()
        let nonces = [UInt8](unsafeUninitializedCapacity: plaintexts.count * nonceLength) { buffer, initialized in
            NoncePool.fill(buffer.baseAddress!, count: buffer.count)
            initialized = buffer.count
        }
        var records = [[UInt8]](repeating: [], count: plaintexts.count)
        let failure = FirstFailure()
        records.withUnsafeMutableBufferPointer { records in
            nonces.withUnsafeBytes { nonces in
                let shared = LaneBuffers(records: records, nonces: nonces)
                BatchLanes(plaintexts).run(total: plaintexts.count) { range in
                    for index in range {
                        do throws(EnvelopeError) {
                            let nonce = shared.nonces.baseAddress! + index * nonceLength
                            shared.records[index] = try plaintexts[index].withBytes { input throws(EnvelopeError) in
                                try newArray(count: input.count + overhead) { output throws(EnvelopeError) in
                                    (output.baseAddress! + headerLength).copyMemory(from: nonce, byteCount: nonceLength)
                                    return try seal(
                                        input, into: output, with: dataKey, context: contexts[index], nonceInPlace: ())
                                }
                            }
                        } catch {
                            failure.record(error)
                            return
                        }
                    }
                }
            }
        }
        if let error = failure.error { throw error }
        return records
    }

    /// Seals with the nonce already in `output` after the header (fresh random bytes, drawn by
    /// the caller for this record alone).
    private static func seal(
        _ plaintext: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer,
        with dataKey: DataKey, context: RecordContext, nonceInPlace: Void
    ) throws(EnvelopeError) -> Int {
        output[0] = version
        dataKey.id.store(into: UnsafeMutableRawBufferPointer(rebasing: output[1..<headerLength]))
        let nonce = output.baseAddress! + headerLength
        try context.withAssociatedData(header: UnsafeRawBufferPointer(rebasing: output[0..<headerLength])) {
            aad throws(EnvelopeError) in
            dataKey.key.withUnsafeBytes { key in
                RecordCipher.seal(plaintext, into: nonce + nonceLength, key: key, nonce: nonce, associatedData: aad)
            }
        }
        return plaintext.count + overhead
    }

    /// Seals `plaintext` into a new array (the only allocation).
    public static func seal(
        _ plaintext: [UInt8], with dataKey: DataKey, context: RecordContext
    ) throws(EnvelopeError) -> [UInt8] {
        try plaintext.withBytes { input throws(EnvelopeError) in
            try newArray(count: input.count + overhead) { output throws(EnvelopeError) in
                try seal(input, into: output, with: dataKey, context: context)
            }
        }
    }

    /// Opens `record` into `output` (at least `record.count - overhead` bytes); returns the
    /// plaintext length. Fails with `.malformedRecord` for a record that is truncated, of another
    /// version, sealed under another data key, bound to another context, or altered.
    public static func open(
        _ record: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer,
        with dataKey: DataKey, context: RecordContext
    ) throws(EnvelopeError) -> Int {
        guard try dataKeyID(of: record) == dataKey.id else { throw wrongDataKey }
        let length = record.count - overhead
        guard output.count >= length else { throw outputTooSmall }
        let nonce = record.baseAddress! + headerLength
        let sealed = UnsafeRawBufferPointer(rebasing: record[(headerLength + nonceLength)...])
        let opened = try context.withAssociatedData(header: UnsafeRawBufferPointer(rebasing: record[0..<headerLength]))
        {
            aad throws(EnvelopeError) in
            dataKey.key.withUnsafeBytes { key in
                var scratch: UInt8 = 0
                return withUnsafeMutablePointer(to: &scratch) { fallback in
                    RecordCipher.open(
                        sealed, into: output.baseAddress ?? UnsafeMutableRawPointer(fallback), key: key, nonce: nonce,
                        associatedData: aad)
                }
            }
        }
        guard opened else { throw authenticationFailed }
        return length
    }

    /// Opens `record` into a new array (the only allocation).
    public static func open(
        _ record: UnsafeRawBufferPointer, with dataKey: DataKey, context: RecordContext
    ) throws(EnvelopeError) -> [UInt8] {
        guard record.count >= overhead else { throw truncated }
        return try newArray(count: record.count - overhead) { output throws(EnvelopeError) in
            try open(record, into: output, with: dataKey, context: context)
        }
    }

    /// Opens `record` into a new array.
    public static func open(
        _ record: [UInt8], with dataKey: DataKey, context: RecordContext
    ) throws(EnvelopeError) -> [UInt8] {
        try record.withBytes { input throws(EnvelopeError) in try open(input, with: dataKey, context: context) }
    }

    /// A new array of `count` bytes that `body` writes, returning how many it wrote. The bytes
    /// are not zeroed first; when `body` throws, none are kept.
    @inline(__always)
    private static func newArray(
        count: Int, _ body: (UnsafeMutableRawBufferPointer) throws(EnvelopeError) -> Int
    ) throws(EnvelopeError) -> [UInt8] {
        var failure: EnvelopeError?
        let bytes = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            do throws(EnvelopeError) {
                initialized = try body(UnsafeMutableRawBufferPointer(buffer))
            } catch {
                failure = error
                initialized = 0
            }
        }
        if let failure { throw failure }
        return bytes
    }
}
