import Envelope

/// ChoppySource hands out its bytes in reads of sizes the fuzzer chose and, unless asked to, does
/// not say how many it holds: the way a pipe or a slow socket delivers a file, which is where a
/// streaming reader's look-ahead and buffering go wrong.
public struct ChoppySource: ByteSource {
    private let bytes: [UInt8]
    private let readSizes: [Int]
    private var offset = 0
    private var reads = 0
    private let reportsSize: Bool

    /// `readSizes` are taken in turn (a zero is a read of one byte); empty means "as much as
    /// fits". `reportsSize` makes it tell its size up front, as a regular file does.
    public init(_ bytes: [UInt8], readSizes: [Int], reportsSize: Bool = false) {
        self.bytes = bytes
        self.readSizes = readSizes
        self.reportsSize = reportsSize
    }

    public var expectedByteCount: Int? { reportsSize ? bytes.count - offset : nil }

    public mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws(EnvelopeError) -> Int {
        var count = min(buffer.count, bytes.count - offset)
        if !readSizes.isEmpty {
            count = min(count, max(1, readSizes[reads % readSizes.count]))
            reads += 1
        }
        guard count > 0 else { return 0 }
        bytes.withUnsafeBytes { raw in
            buffer.baseAddress!.copyMemory(from: raw.baseAddress! + offset, byteCount: count)
        }
        offset += count
        return count
    }
}
