import ActorKeys

/// Age encrypts and decrypts age v1 files (age-encryption.org/v1), binary or armored, in
/// constant memory for any size.
///
/// Decryption checks, in this order: the header syntax (`.malformedHeader`), the scrypt-alone
/// rule, the identities (`.noIdentityMatched`), the header MAC (`.badHeaderMAC`), then every
/// payload chunk (`.malformedPayload`). Plaintext is written only after its chunk verified; a
/// caller writing to a file should still discard the output when an error is thrown.
public enum Age {
    /// How the encrypted form is laid out.
    public enum Format: Sendable {
        /// The binary age format.
        case binary
        /// ASCII armor (PEM, `AGE ENCRYPTED FILE`).
        case armored
        /// Decryption only: armored when the first non-whitespace bytes are `-----`.
        case detect
    }

    /// Encrypts `source` to `recipients` into `sink`.
    public static func encrypt<Source: ByteSource, Sink: ByteSink>(
        from source: inout Source, to sink: inout Sink, recipients: [any Recipient], format: Format = .binary
    ) throws(EnvelopeError) {
        guard format != .detect else { throw EnvelopeError(.invalidArgument, "choose binary or armored output") }
        let fileKey = SecretBytes.random(count: Primitives.fileKeyLength)
        let header = try makeHeader(fileKey: fileKey, recipients: recipients)
        let nonce = Primitives.randomBytes(Stream.nonceLength)
        let payloadKey = Stream.payloadKey(fileKey: fileKey, nonce: nonce)
        if format == .armored {
            var armored = try ArmorWriter(sink)
            try writeFile(header: header, nonce: nonce, payloadKey: payloadKey, from: &source, to: &armored)
            try armored.finish()
            sink = armored.base
        } else {
            try writeFile(header: header, nonce: nonce, payloadKey: payloadKey, from: &source, to: &sink)
        }
    }

    /// Decrypts `source` with the first of `identities` that matches into `sink`.
    public static func decrypt<Source: ByteSource, Sink: ByteSink>(
        from source: inout Source, to sink: inout Sink, identities: [any Identity], format: Format = .detect
    ) throws(EnvelopeError) {
        guard !identities.isEmpty else { throw EnvelopeError(.invalidArgument, "no identities given") }
        var buffered = BufferedSource(source)
        if try isArmored(&buffered, format: format) {
            var armored = BufferedSource(ArmorReader(buffered))
            try readFile(from: &armored, to: &sink, identities: identities)
        } else {
            try readFile(from: &buffered, to: &sink, identities: identities)
        }
    }

    /// Encrypts bytes in memory.
    public static func encrypt(
        _ plaintext: [UInt8], to recipients: [any Recipient], format: Format = .binary
    ) throws(EnvelopeError) -> [UInt8] {
        var source = BytesSource(plaintext)
        var sink = BytesSink(
            reservingCapacity: encryptedSizeEstimate(plaintext.count, recipients: recipients.count, format: format))
        try encrypt(from: &source, to: &sink, recipients: recipients, format: format)
        return sink.bytes
    }

    /// Decrypts bytes in memory.
    public static func decrypt(
        _ ciphertext: [UInt8], with identities: [any Identity], format: Format = .detect
    ) throws(EnvelopeError) -> [UInt8] {
        var source = BytesSource(ciphertext)
        var sink = BytesSink(reservingCapacity: ciphertext.count)
        try decrypt(from: &source, to: &sink, identities: identities, format: format)
        return sink.bytes
    }

    /// An upper estimate of the encrypted size, so an in-memory result is allocated once: the
    /// header (about 120 bytes per X25519 stanza; a post-quantum one is larger and grows the
    /// buffer once), the nonce, a tag per chunk, and armor's 4/3
    /// plus a newline every 64 columns.
    static func encryptedSizeEstimate(_ count: Int, recipients: Int, format: Format) -> Int {
        let binary = 64 + 160 * max(1, recipients) + Stream.nonceLength + count + (count / Stream.chunkSize + 1) * 16
        guard format == .armored else { return binary }
        let encoded = (binary + 2) / 3 * 4
        return encoded + encoded / Armor.columns + 2 * Armor.beginLine.utf8.count + 8
    }

    /// Reads the stanzas of a file's header without decrypting anything, to learn how it was
    /// encrypted (for example, whether it needs a passphrase).
    public static func stanzas<Source: ByteSource>(
        of source: inout Source, format: Format = .detect
    ) throws(EnvelopeError) -> [Stanza] {
        var buffered = BufferedSource(source)
        if try isArmored(&buffered, format: format) {
            var armored = BufferedSource(ArmorReader(buffered))
            return try Header.parse(from: &armored).stanzas
        }
        return try Header.parse(from: &buffered).stanzas
    }

    static func makeHeader(fileKey: SecretBytes, recipients: [any Recipient]) throws(EnvelopeError) -> Header {
        guard !recipients.isEmpty else { throw EnvelopeError(.invalidArgument, "no recipients given") }
        var stanzas = [Stanza]()
        for recipient in recipients { stanzas += try recipient.wrap(fileKey: fileKey) }
        if stanzas.count > 1, stanzas.contains(where: { $0.type == ScryptStanza.type }) {
            throw EnvelopeError(.invalidArgument, "a passphrase (scrypt) recipient must be the only recipient")
        }
        try checkLabels(of: recipients)
        var header = Header(stanzas: stanzas, mac: [], macInput: nil)
        let covered = header.encodedWithoutMAC()
        // The MAC line adds a space, 43 base64 characters and a line feed.
        guard covered.count + 45 <= Header.sizeLimit else {
            throw EnvelopeError(
                .invalidArgument,
                "too many recipients: the header would be \(covered.count + 45) bytes, over the \(Header.sizeLimit) bytes any decrypter of actorkeys reads"
            )
        }
        header.mac = Header.mac(for: covered, fileKey: fileKey)
        return header
    }

    /// Refuses recipients whose labels differ, as age does: above all a post-quantum recipient
    /// next to a classic one.
    static func checkLabels(of recipients: [any Recipient]) throws(EnvelopeError) {
        let first = recipients[0].labels
        for recipient in recipients.dropFirst() {
            let labels = recipient.labels
            guard labels != first else { continue }
            if labels.contains(HybridStanza.postQuantumLabel) != first.contains(HybridStanza.postQuantumLabel) {
                throw EnvelopeError(
                    .invalidArgument,
                    "incompatible recipients: can't mix post-quantum and classic recipients, or the file would be vulnerable to quantum computers"
                )
            }
            throw EnvelopeError(
                .invalidArgument,
                "incompatible recipients: labels \(first.sorted()) and \(labels.sorted()) can't be mixed")
        }
    }

    private static func writeFile<Source: ByteSource, Sink: ByteSink>(
        header: Header, nonce: [UInt8], payloadKey: SecretBytes, from source: inout Source, to sink: inout Sink
    ) throws(EnvelopeError) {
        let prefix = header.encoded() + nonce
        try prefix.withBytes { raw throws(EnvelopeError) in try sink.write(raw) }
        try Stream.encrypt(from: &source, to: &sink, key: payloadKey)
    }

    private static func readFile<Source: ByteSource, Sink: ByteSink>(
        from source: inout BufferedSource<Source>, to sink: inout Sink, identities: [any Identity]
    ) throws(EnvelopeError) {
        let fileKey = try openHeader(from: &source, identities: identities).fileKey
        let nonce = try readNonce(from: &source)
        try Stream.decrypt(from: &source, to: &sink, key: Stream.payloadKey(fileKey: fileKey, nonce: nonce))
    }

    /// Reads and checks a header (syntax, the scrypt-alone rule, the identities, the MAC), leaving
    /// `source` at the payload nonce: the part that decrypting and rekeying share.
    static func openHeader<Source: ByteSource>(
        from source: inout BufferedSource<Source>, identities: [any Identity]
    ) throws(EnvelopeError) -> (header: Header, fileKey: SecretBytes) {
        let header = try Header.parse(from: &source)
        if header.stanzas.count > 1, header.stanzas.contains(where: { $0.type == ScryptStanza.type }) {
            throw Header.malformed("an scrypt stanza must be the only stanza")
        }
        let fileKey = try unwrap(header.stanzas, with: identities)
        let expected = Header.mac(for: header.macInput ?? header.encodedWithoutMAC(), fileKey: fileKey)
        guard Primitives.constantTimeEqual(expected, header.mac) else {
            throw EnvelopeError(.badHeaderMAC, "bad header MAC")
        }
        return (header, fileKey)
    }

    static func readNonce<Source: ByteSource>(
        from source: inout BufferedSource<Source>
    ) throws(EnvelopeError) -> [UInt8] {
        var nonce = [UInt8](repeating: 0, count: Stream.nonceLength)
        let read = try nonce.withMutableBytes { raw throws(EnvelopeError) in try source.readFully(into: raw) }
        guard read == Stream.nonceLength else { throw Header.malformed("missing or truncated payload nonce") }
        return nonce
    }

    private static func unwrap(
        _ stanzas: [Stanza], with identities: [any Identity]
    ) throws(EnvelopeError) -> SecretBytes {
        for identity in identities {
            guard let fileKey = try identity.unwrap(stanzas: stanzas) else { continue }
            return fileKey
        }
        let passphrase = stanzas.count == 1 && stanzas[0].type == ScryptStanza.type
        throw EnvelopeError(
            .noIdentityMatched, passphrase ? "incorrect passphrase" : "no identity matched any of the recipients")
    }

    static func isArmored<Base>(
        _ source: inout BufferedSource<Base>, format: Format
    ) throws(EnvelopeError) -> Bool {
        switch format {
        case .armored: return true
        case .binary: return false
        case .detect:
            // Look past leading whitespace, as the armor itself allows it, but not without bound.
            let window = try source.peek(1024 + 5)
            guard let first = window.firstIndex(where: { !Armor.isWhitespace($0) }) else { return false }
            return window[first...].starts(with: "-----".utf8)
        }
    }
}
