import ActorKeys

/// RecordContext is what a record is bound to: its owner and the ledger entry that holds it.
/// A record moved to another entry or another owner no longer opens.
public struct RecordContext: Sendable, Hashable {
    /// Entry ids are at most 255 bytes of UTF-8 (they are length-prefixed with one byte).
    public static let maxEntryIDLength = 255

    public let owner: Owner
    public let entryID: String

    public init(owner: Owner, entryID: String) throws(EnvelopeError) {
        guard !entryID.isEmpty, entryID.utf8.count <= Self.maxEntryIDLength else {
            throw EnvelopeError(.invalidArgument, "an entry id is 1 to \(Self.maxEntryIDLength) bytes")
        }
        self.owner = owner
        self.entryID = entryID
    }

    /// Upper bound of the associated data: header, owner tag, two length-prefixed strings.
    static let maxAssociatedDataLength = RecordEnvelope.headerLength + 1 + 1 + 64 + 1 + maxEntryIDLength

    /// Calls `body` with the associated data, built on the stack:
    ///
    ///     header (version, data key id) || owner tag (0 shared, 1 actor)
    ///         || len8(actor id) || actor id || len8(entry id) || entry id
    @inline(__always)
    func withAssociatedData<Result>(
        header: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) throws(EnvelopeError) -> Result
    ) throws(EnvelopeError) -> Result {
        try withUnsafeTemporaryAllocation(byteCount: Self.maxAssociatedDataLength, alignment: 8) { buffer throws(EnvelopeError) in
            var length = 0
            func append(_ bytes: UnsafeRawBufferPointer) {
                if let base = bytes.baseAddress { (buffer.baseAddress! + length).copyMemory(from: base, byteCount: bytes.count) }
                length += bytes.count
            }
            func append(byte: UInt8) {
                buffer[length] = byte
                length += 1
            }
            func append(lengthPrefixed text: String) {
                let utf8 = text.utf8
                append(byte: UInt8(utf8.count))
                if utf8.withContiguousStorageIfAvailable({ append(UnsafeRawBufferPointer($0)) }) == nil {
                    Array(utf8).withUnsafeBytes { append($0) }
                }
            }
            append(header)
            switch owner {
            case .shared:
                append(byte: 0)
            case .actor(let id):
                append(byte: 1)
                append(lengthPrefixed: id.rawValue)
            }
            append(lengthPrefixed: entryID)
            return try body(UnsafeRawBufferPointer(rebasing: buffer[0..<length]))
        }
    }
}
