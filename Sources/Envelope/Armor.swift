/// Armor is age's ASCII armor: strict PEM (RFC 7468) with the label `AGE ENCRYPTED FILE`,
/// padded base64 in 64-column lines. Whitespace is allowed before and after the block, LF and
/// CRLF line endings are both accepted; anything else that is not canonical is `.malformedArmor`.
enum Armor {
    static let beginLine = "-----BEGIN AGE ENCRYPTED FILE-----"
    static let endLine = "-----END AGE ENCRYPTED FILE-----"
    static let columns = 64
    static let bytesPerLine = 48

    static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\n")
            || byte == UInt8(ascii: "\r")
    }

    static func malformed(_ reason: String) -> EnvelopeError {
        EnvelopeError(.malformedArmor, "malformed armor: \(reason)")
    }
}

/// ArmorWriter encodes everything written to it and passes the armored text to `base`.
/// `finish()` must be called to write the last line and the END line.
struct ArmorWriter<Base: ByteSink>: ByteSink {
    private(set) var base: Base
    private var carry: [UInt8] = []  // fewer than 48 bytes not yet encoded
    private var text: [UInt8] = []

    init(_ base: Base) throws(EnvelopeError) {
        self.base = base
        text.reserveCapacity(64 * 1024)
        text.append(contentsOf: (Armor.beginLine + "\n").utf8)
    }

    mutating func write(_ bytes: UnsafeRawBufferPointer) throws(EnvelopeError) {
        var offset = 0
        if !carry.isEmpty {
            let take = min(Armor.bytesPerLine - carry.count, bytes.count)
            carry.append(contentsOf: bytes[0..<take])
            offset = take
            guard carry.count == Armor.bytesPerLine else { return }
            let line = carry
            line.withUnsafeBytes { appendLine($0) }
            carry.removeAll(keepingCapacity: true)
        }
        while bytes.count - offset >= Armor.bytesPerLine {
            appendLine(UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + Armor.bytesPerLine)]))
            offset += Armor.bytesPerLine
            if text.count >= 60 * 1024 { try flush() }
        }
        carry.append(contentsOf: bytes[offset...])
    }

    private mutating func appendLine(_ bytes: UnsafeRawBufferPointer) {
        text.append(contentsOf: Base64.encodePadded(bytes))
        text.append(UInt8(ascii: "\n"))
    }

    private mutating func flush() throws(EnvelopeError) {
        try text.withBytes { raw throws(EnvelopeError) in try base.write(raw) }
        text.removeAll(keepingCapacity: true)
    }

    /// Writes the final, shorter line and the END line.
    mutating func finish() throws(EnvelopeError) {
        let last = carry
        if !last.isEmpty { last.withUnsafeBytes { appendLine($0) } }
        carry.removeAll()
        text.append(contentsOf: (Armor.endLine + "\n").utf8)
        try flush()
    }
}

/// ArmorReader decodes an armored age file line by line, in constant memory.
struct ArmorReader<Base: ByteSource>: ByteSource {
    private var source: BufferedSource<Base>
    private var decoded: [UInt8] = []
    private var decodedOffset = 0
    private enum State { case beforeBegin, lines, expectingEnd, finished }
    private var state = State.beforeBegin

    init(_ source: BufferedSource<Base>) {
        self.source = source
    }

    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws(EnvelopeError) -> Int {
        while decodedOffset == decoded.count {
            guard state != .finished else { return 0 }
            try advance()
        }
        let count = min(buffer.count, decoded.count - decodedOffset)
        decoded.withUnsafeBytes { raw in
            buffer.baseAddress!.copyMemory(from: raw.baseAddress! + decodedOffset, byteCount: count)
        }
        decodedOffset += count
        return count
    }

    /// Consumes the next line of the armor and decodes it into `decoded`.
    private mutating func advance() throws(EnvelopeError) {
        decoded.removeAll(keepingCapacity: true)
        decodedOffset = 0
        if state == .beforeBegin {
            try skipWhitespace()
            guard let line = try nextLine(), line.bytes == Array(Armor.beginLine.utf8), line.terminated else {
                throw Armor.malformed("missing or invalid BEGIN line")
            }
            state = .lines
            return
        }
        guard let line = try nextLine() else { throw Armor.malformed("missing END line") }
        if line.bytes == Array(Armor.endLine.utf8) {
            try skipWhitespace()
            guard try source.peek(1).isEmpty else { throw Armor.malformed("trailing data after END line") }
            state = .finished
            return
        }
        guard state == .lines, line.terminated else {
            throw Armor.malformed(state == .lines ? "missing END line" : "data after the final line")
        }
        guard !line.bytes.isEmpty, line.bytes.count <= Armor.columns,
            Base64.decodePadded(line.bytes, into: &decoded)
        else { throw Armor.malformed("invalid line") }
        if line.bytes.count < Armor.columns || line.bytes.last == UInt8(ascii: "=") { state = .expectingEnd }
    }

    /// Reads a line, dropping one CR before its LF.
    private mutating func nextLine() throws(EnvelopeError) -> (bytes: [UInt8], terminated: Bool)? {
        guard var line = try source.readLine(limit: Armor.columns + 2, tooLong: Armor.malformed("line too long")) else {
            return nil
        }
        if line.terminated, line.bytes.last == UInt8(ascii: "\r") { line.bytes.removeLast() }
        return line
    }

    private mutating func skipWhitespace() throws(EnvelopeError) {
        while let byte = try source.peek(1).first, Armor.isWhitespace(byte) { source.skip(1) }
    }
}
