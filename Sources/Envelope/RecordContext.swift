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
    ///
    /// Straight-line pointer writes: this runs for every record sealed or opened.
    @inline(__always)
    func withAssociatedData<Result>(
        header: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) throws(EnvelopeError) -> Result
    ) throws(EnvelopeError) -> Result {
        try withUnsafeTemporaryAllocation(byteCount: Self.maxAssociatedDataLength, alignment: 8) {
            buffer throws(EnvelopeError) in
            let base = buffer.baseAddress!
            base.copyMemory(from: header.baseAddress!, byteCount: header.count)
            var length = header.count
            switch owner {
            case .shared:
                base.storeBytes(of: 0, toByteOffset: length, as: UInt8.self)
                length += 1
            case .actor(let id):
                base.storeBytes(of: 1, toByteOffset: length, as: UInt8.self)
                length = Self.appendLengthPrefixed(id.rawValue, to: base, at: length + 1)
            }
            length = Self.appendLengthPrefixed(entryID, to: base, at: length)
            return try body(UnsafeRawBufferPointer(start: base, count: length))
        }
    }

    /// Writes len8(text) || text at `offset`; returns the offset after it. Lengths were checked
    /// when the context was made (actor ids are slugs of at most 64 bytes).
    @inline(__always)
    static func appendLengthPrefixed(_ text: String, to base: UnsafeMutableRawPointer, at offset: Int) -> Int {
        var text = text
        return text.withUTF8 { utf8 in
            base.storeBytes(of: UInt8(utf8.count), toByteOffset: offset, as: UInt8.self)
            if let source = utf8.baseAddress { (base + offset + 1).copyMemory(from: source, byteCount: utf8.count) }
            return offset + 1 + utf8.count
        }
    }
}
