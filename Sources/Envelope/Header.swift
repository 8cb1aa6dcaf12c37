import ActorKeys

/// Header is the textual part of an age v1 file: the version line, the recipient stanzas and
/// the MAC. Parsing follows the ABNF of C2SP age.md exactly; anything else is `.malformedHeader`.
struct Header {
    static let versionLine = "age-encryption.org/v1"
    static let versionPrefix = "age-encryption.org/"
    /// The largest header read, and written: 16 MiB, about 170,000 X25519 recipients (99 bytes
    /// a stanza).
    /// age(1) sets no limit of its own; this one bounds the memory and the work a hostile file
    /// can cause, and encryption refuses to write a header that decryption would refuse to read.
    static let sizeLimit = 16 << 20

    var stanzas: [Stanza]
    var mac: [UInt8]
    /// As read: the header's bytes up to and including `---`. The parser accepts only canonical
    /// encodings, so these are exactly `encodedWithoutMAC()`, without building it again.
    var macInput: [UInt8]?

    /// The header up to and including `---`, without the space and the MAC: what the MAC covers.
    func encodedWithoutMAC() -> [UInt8] {
        var output = Array((Self.versionLine + "\n").utf8)
        for stanza in stanzas { stanza.encode(into: &output) }
        output.append(contentsOf: "---".utf8)
        return output
    }

    /// The complete header, ending with the MAC line.
    func encoded() -> [UInt8] {
        var output = encodedWithoutMAC()
        output.append(UInt8(ascii: " "))
        output.append(contentsOf: mac.withUnsafeBytes { Base64.encodeUnpadded($0) })
        output.append(UInt8(ascii: "\n"))
        return output
    }

    /// HMAC-SHA-256 over `encodedWithoutMAC`, keyed with HKDF(file key, "", "header").
    static func mac(for headerWithoutMAC: [UInt8], fileKey: SecretBytes) -> [UInt8] {
        let macKey = fileKey.withUnsafeBytes {
            Primitives.hkdf(ikm: $0, salt: UnsafeRawBufferPointer(start: nil, count: 0), info: Primitives.headerInfo)
        }
        return macKey.withUnsafeBytes { key in
            headerWithoutMAC.withUnsafeBytes { Primitives.hmacSHA256(key: key, message: $0) }
        }
    }

    /// Reads a header from `source`, leaving it positioned at the first payload byte.
    static func parse<Base>(from source: inout BufferedSource<Base>) throws(EnvelopeError) -> Header {
        var reader = LineReader(remaining: sizeLimit)
        guard let version = try reader.next(&source) else { throw malformed("empty input, not an age file") }
        guard version == Array(versionLine.utf8) else {
            if version.starts(with: versionPrefix.utf8) { throw malformed("unsupported version") }
            throw malformed("not an age file: no version line")
        }
        var stanzas = [Stanza]()
        while true {
            guard let line = try reader.next(&source) else { throw malformed("unexpected end of header") }
            if line.starts(with: "---".utf8) {
                guard !stanzas.isEmpty else { throw malformed("no recipient stanzas") }
                let mac = try parseMAC(line)
                reader.consumed.append(contentsOf: "---".utf8)
                return Header(stanzas: stanzas, mac: mac, macInput: reader.consumed)
            }
            guard line.starts(with: "-> ".utf8) else { throw malformed("unexpected line, want a stanza or the MAC") }
            stanzas.append(try parseStanza(arguments: line.dropFirst(3), reader: &reader, source: &source))
        }
    }

    private static func parseStanza<Base>(
        arguments: ArraySlice<UInt8>, reader: inout LineReader, source: inout BufferedSource<Base>
    ) throws(EnvelopeError) -> Stanza {
        let parts = arguments.split(separator: UInt8(ascii: " "), omittingEmptySubsequences: false)
        guard parts.allSatisfy(Stanza.isValidArgument) else { throw malformed("invalid stanza argument") }
        var encodedBody = [UInt8]()
        while true {
            guard let line = try reader.next(&source) else { throw malformed("unexpected end of stanza body") }
            guard line.count <= Stanza.columns, line.allSatisfy(Base64.isAlphabet) else {
                throw malformed("invalid stanza body line")
            }
            encodedBody += line
            if line.count < Stanza.columns { break }
        }
        guard let body = Base64.decodeUnpadded(encodedBody) else {
            throw malformed("stanza body is not canonical base64")
        }
        return Stanza(arguments: parts.map { String(decoding: $0, as: UTF8.self) }, body: body)
    }

    private static func parseMAC(_ line: [UInt8]) throws(EnvelopeError) -> [UInt8] {
        guard line.count == 4 + 43, line.starts(with: "--- ".utf8), let mac = Base64.decodeUnpadded(line.dropFirst(4)),
            mac.count == 32
        else {
            throw malformed("malformed MAC line")
        }
        return mac
    }

    static func malformed(_ reason: String) -> EnvelopeError {
        EnvelopeError(.malformedHeader, "malformed header: \(reason)")
    }
}

/// LineReader reads LF-terminated header lines within a total byte budget, and keeps the bytes
/// of the lines before the MAC line, which the MAC covers.
private struct LineReader {
    var remaining: Int
    var consumed: [UInt8] = []

    mutating func next<Base>(_ source: inout BufferedSource<Base>) throws(EnvelopeError) -> [UInt8]? {
        let tooLarge = Header.malformed("header larger than \(Header.sizeLimit) bytes")
        guard let line = try source.readLine(limit: remaining, tooLong: tooLarge) else { return nil }
        // Every header line, the MAC line included, ends with a line feed.
        guard line.terminated else { throw Header.malformed("unexpected end of header") }
        remaining -= line.bytes.count + 1
        guard remaining >= 0 else { throw tooLarge }
        if !line.bytes.starts(with: "---".utf8) {
            consumed.append(contentsOf: line.bytes)
            consumed.append(UInt8(ascii: "\n"))
        }
        return line.bytes
    }
}
