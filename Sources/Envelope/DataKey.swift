import ActorKeys
internal import CSodium

/// DataKeyID names a data key: 16 random bytes, shown as 32 lowercase hex characters. It is
/// public and travels in every record it sealed.
public struct DataKeyID: Sendable, Hashable, Comparable, CustomStringConvertible {
    public static let byteCount = 16

    // Two words rather than an array: hashing and comparing it on the hot path allocates nothing.
    @usableFromInline let high: UInt64
    @usableFromInline let low: UInt64

    public init(bytes: UnsafeRawBufferPointer) {
        precondition(bytes.count == Self.byteCount, "a data key id is 16 bytes")
        high = UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: 0, as: UInt64.self))
        low = UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
    }

    /// Parses 32 hex characters.
    public init?(hex: String) {
        var hex = hex
        guard let id = hex.withUTF8({ DataKeyID(hex: UnsafeRawBufferPointer($0)) }) else { return nil }
        self = id
    }

    /// Parses 32 hex characters given as UTF-8 bytes, in place.
    public init?(hex utf8: UnsafeRawBufferPointer) {
        guard utf8.count == 2 * Self.byteCount else { return nil }
        func half(_ offset: Int) -> UInt64? {
            var value: UInt64 = 0
            for index in offset..<(offset + 16) {
                let character = utf8[index]
                let digit: UInt8
                switch character {
                case 0x30...0x39: digit = character - 0x30
                case 0x61...0x66: digit = character - 0x57
                case 0x41...0x46: digit = character - 0x37
                default: return nil
                }
                value = value << 4 | UInt64(digit)
            }
            return value
        }
        guard let high = half(0), let low = half(16) else { return nil }
        self.high = high
        self.low = low
    }

    public static func random() -> DataKeyID {
        Primitives.randomBytes(byteCount).withUnsafeBytes { DataKeyID(bytes: $0) }
    }

    /// Writes the 16 bytes, big-endian, at the start of `buffer`.
    @inlinable
    public func store(into buffer: UnsafeMutableRawBufferPointer) {
        buffer.storeBytes(of: high.bigEndian, toByteOffset: 0, as: UInt64.self)
        buffer.storeBytes(of: low.bigEndian, toByteOffset: 8, as: UInt64.self)
    }

    public var bytes: [UInt8] {
        [UInt8](unsafeUninitializedCapacity: Self.byteCount) { buffer, count in
            store(into: UnsafeMutableRawBufferPointer(buffer))
            count = Self.byteCount
        }
    }

    public var hex: String { Hex.encode(bytes) }
    public var description: String { hex }

    public static func < (lhs: DataKeyID, rhs: DataKeyID) -> Bool { (lhs.high, lhs.low) < (rhs.high, rhs.low) }
}

/// DataKey is a data-encryption key (DEK): 32 random bytes that seal many records, stored only
/// wrapped, as an age file encrypted to its owner's key.
///
/// The wrapped age file's payload is the 16-byte id followed by the 32-byte key, so a wrapped
/// key copied under another id is refused on unwrap. Anyone holding the owner's identity can
/// unwrap it with age(1).
public struct DataKey: Sendable, CustomStringConvertible {
    public static let keyLength = 32

    public let id: DataKeyID
    @usableFromInline let key: SecretBytes

    public init(id: DataKeyID, key: SecretBytes) {
        precondition(key.count == Self.keyLength, "a data key is 32 bytes")
        self.id = id
        self.key = key
    }

    /// Mints a new data key with a fresh id.
    public static func generate() -> DataKey {
        DataKey(id: .random(), key: .random(count: keyLength))
    }

    /// The age file that stores this key, encrypted to every one of `recipients` (more than one
    /// during a rotation overlap, so that either key version can unwrap it).
    public func wrap(to recipients: [AgeRecipient]) throws(EnvelopeError) -> [UInt8] {
        var payload = id.bytes
        key.withUnsafeBytes { payload.append(contentsOf: $0) }
        defer { Primitives.zeroize(&payload) }
        var source = BytesSource(payload)
        var sink = BytesSink(reservingCapacity: 1700 * recipients.count + 100)
        try Age.encrypt(from: &source, to: &sink, recipients: recipients.map { $0 as any Recipient })
        return sink.bytes
    }

    /// Re-wraps a wrapped data key to `recipients` without changing its payload: `Age.rekey`'s
    /// header rewrite, after checking that the payload opens and belongs to `expectedID`. The
    /// work is one unwrap and one wrap; the key itself never leaves zeroing memory.
    public static func rewrap(
        _ wrapped: [UInt8], expectedID: DataKeyID, with identities: [any Identity], to recipients: [AgeRecipient]
    ) throws(EnvelopeError) -> [UInt8] {
        try Age.rekey(
            wrapped, with: identities, to: recipients.map { $0 as any Recipient },
            plaintextLimit: DataKeyID.byteCount + keyLength
        ) { payload throws(EnvelopeError) in
            guard payload.count == DataKeyID.byteCount + keyLength else {
                throw EnvelopeError(.malformedRecord, "wrapped data key has the wrong length")
            }
            let id = DataKeyID(bytes: UnsafeRawBufferPointer(rebasing: payload[0..<DataKeyID.byteCount]))
            guard id == expectedID else {
                throw EnvelopeError(.malformedRecord, "wrapped data key belongs to data key \(id), not \(expectedID)")
            }
        }
    }

    /// Recovers a data key from its wrapped form with any of `identities`. With `expectedID`,
    /// a wrapped key that belongs to another id is refused.
    public static func unwrap(
        _ wrapped: [UInt8], expectedID: DataKeyID? = nil, with identities: [any Identity]
    ) throws(EnvelopeError) -> DataKey {
        var source = BytesSource(wrapped)
        var sink = SecretSink(capacity: DataKeyID.byteCount + keyLength)
        try Age.decrypt(from: &source, to: &sink, identities: identities, format: .binary)
        guard sink.count == DataKeyID.byteCount + keyLength else {
            throw EnvelopeError(.malformedRecord, "wrapped data key has the wrong length")
        }
        let id = DataKeyID(bytes: UnsafeRawBufferPointer(rebasing: sink.buffer[0..<DataKeyID.byteCount]))
        if let expectedID, expectedID != id {
            throw EnvelopeError(.malformedRecord, "wrapped data key belongs to data key \(id), not \(expectedID)")
        }
        return DataKey(
            id: id, key: SecretBytes(copying: UnsafeRawBufferPointer(rebasing: sink.buffer[DataKeyID.byteCount...])))
    }

    public var description: String { "DataKey(\(id))" }
}

/// SecretSink collects a small decrypted secret in memory it zeroes on release, refusing more
/// than fits.
final class SecretSink: ByteSink {
    let buffer: UnsafeMutableRawBufferPointer
    private(set) var count = 0

    init(capacity: Int) {
        buffer = .allocate(byteCount: capacity, alignment: 16)
    }

    deinit {
        sodium_memzero(buffer.baseAddress!, buffer.count)
        buffer.deallocate()
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws(EnvelopeError) {
        guard count + bytes.count <= buffer.count else {
            throw EnvelopeError(.malformedRecord, "wrapped data key has the wrong length")
        }
        if let base = bytes.baseAddress { (buffer.baseAddress! + count).copyMemory(from: base, byteCount: bytes.count) }
        count += bytes.count
    }
}
