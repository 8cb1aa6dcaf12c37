/// BufferedSource adds look-ahead to a ByteSource: lines for the textual header and the armor,
/// and peeking for format detection. Whatever it has buffered is returned first by `read`, so
/// the payload continues exactly where the header ended.
struct BufferedSource<Base: ByteSource>: ByteSource {
    private var base: Base
    private var storage: [UInt8]
    private var start = 0
    private var end = 0
    private var baseEnded = false

    /// `capacity` is the most buffered before a line forces more; a source that knows it is
    /// smaller gets a smaller buffer.
    init(_ base: Base, capacity: Int = 16 * 1024) {
        self.base = base
        let needed = base.expectedByteCount.map { max(64, $0 + 1) } ?? capacity
        self.storage = [UInt8](repeating: 0, count: min(capacity, needed))
    }

    private var buffered: Int { end - start }

    var expectedByteCount: Int? { baseEnded ? buffered : base.expectedByteCount.map { $0 + buffered } }

    /// Buffers until at least `count` bytes are available or the input ends; returns what is
    /// available.
    mutating func fill(atLeast count: Int) throws(EnvelopeError) -> Int {
        while buffered < count && !baseEnded {
            if start > 0 {
                storage.withUnsafeMutableBytes { raw in
                    raw.baseAddress!.copyMemory(from: raw.baseAddress! + start, byteCount: end - start)
                }
                end -= start
                start = 0
            }
            if end == storage.count {
                storage.append(contentsOf: repeatElement(0, count: max(storage.count, count - storage.count)))
            }
            let space = storage.count - end
            let read = try storage.withMutableBytes { raw throws(EnvelopeError) in
                try base.read(into: UnsafeMutableRawBufferPointer(rebasing: raw[end..<(end + space)]))
            }
            if read == 0 { baseEnded = true }
            end += read
        }
        return buffered
    }

    /// The next `count` bytes (fewer at the end of the input), without consuming them.
    mutating func peek(_ count: Int) throws(EnvelopeError) -> ArraySlice<UInt8> {
        let available = try fill(atLeast: count)
        return storage[start..<(start + min(count, available))]
    }

    /// Consumes `count` buffered bytes.
    mutating func skip(_ count: Int) {
        precondition(count <= buffered)
        start += count
    }

    /// Reads one line. Returns nil at the end of the input; otherwise the line's bytes (without
    /// the line feed) and whether a line feed ended it. Lines longer than `limit` are an error.
    mutating func readLine(
        limit: Int, tooLong: EnvelopeError
    ) throws(EnvelopeError) -> (bytes: [UInt8], terminated: Bool)? {
        var scanned = 0
        while true {
            if let newline = storage[(start + scanned)..<end].firstIndex(of: UInt8(ascii: "\n")) {
                let line = Array(storage[start..<newline])
                start = newline + 1
                return (line, true)
            }
            scanned = buffered
            guard scanned <= limit else { throw tooLong }
            let available = try fill(atLeast: buffered + 1)
            if available == scanned {
                guard available > 0 else { return nil }
                let line = Array(storage[start..<end])
                start = end
                return (line, false)
            }
        }
    }

    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws(EnvelopeError) -> Int {
        if buffered > 0 {
            let count = min(buffered, buffer.count)
            storage.withUnsafeBytes { raw in
                buffer.baseAddress!.copyMemory(from: raw.baseAddress! + start, byteCount: count)
            }
            start += count
            return count
        }
        guard !baseEnded else { return 0 }
        let count = try base.read(into: buffer)
        if count == 0 { baseEnded = true }
        return count
    }
}
