import ActorKeys

extension Age {
    /// Rekeys an age file: the file key is unwrapped with `identities` and wrapped anew to
    /// `recipients` in a new header (new stanzas, a new MAC), and the payload (its nonce and
    /// every chunk) is copied byte for byte, as age's open request FiloSottile/age#136 asks.
    ///
    /// Every payload chunk is authenticated before it is copied, so a rekeyed file never carries
    /// a payload its identities could not open; failures have the classes of `decrypt`. The
    /// file key stays the same: whoever held it (an old recipient that already decrypted the
    /// file) can still read the rekeyed file. After a compromise, encrypt anew instead.
    /// Armored input gives armored output; memory is constant for any size.
    public static func rekey<Source: ByteSource, Sink: ByteSink>(
        from source: inout Source, to sink: inout Sink, identities: [any Identity], recipients: [any Recipient]
    ) throws(EnvelopeError) {
        guard !identities.isEmpty else { throw EnvelopeError(.invalidArgument, "no identities given") }
        var buffered = BufferedSource(source)
        if try isArmored(&buffered, format: .detect) {
            var armoredSource = BufferedSource(ArmorReader(buffered))
            var armoredSink = try ArmorWriter(sink)
            try rekeyFile(from: &armoredSource, to: &armoredSink, identities: identities, recipients: recipients)
            try armoredSink.finish()
            sink = armoredSink.base
        } else {
            try rekeyFile(from: &buffered, to: &sink, identities: identities, recipients: recipients)
        }
    }

    /// Rekeys a file in memory.
    public static func rekey(
        _ file: [UInt8], with identities: [any Identity], to recipients: [any Recipient]
    ) throws(EnvelopeError) -> [UInt8] {
        var source = BytesSource(file)
        var sink = BytesSink(reservingCapacity: file.count + 2048 * recipients.count)
        try rekey(from: &source, to: &sink, identities: identities, recipients: recipients)
        return sink.bytes
    }

    /// Rekeys a small binary file whose plaintext `check` inspects first (a wrapped data key,
    /// whose id must match): decrypted in zeroing memory of at most `limit` bytes, then the
    /// same header rewrite as `rekey`, the payload bytes unchanged.
    static func rekey(
        _ file: [UInt8], with identities: [any Identity], to recipients: [any Recipient], plaintextLimit limit: Int,
        check: (UnsafeRawBufferPointer) throws(EnvelopeError) -> Void
    ) throws(EnvelopeError) -> [UInt8] {
        var source = BufferedSource(BytesSource(file))
        let opened = try openHeader(from: &source, identities: identities)
        let header = try makeHeader(fileKey: opened.fileKey, recipients: recipients)
        let payloadStart = opened.header.encoded().count
        let nonce = try readNonce(from: &source)
        let plaintext = SecretSink(capacity: limit)
        var sink = plaintext
        try Stream.decrypt(
            from: &source, to: &sink, key: Stream.payloadKey(fileKey: opened.fileKey, nonce: nonce), cores: 1)
        try check(UnsafeRawBufferPointer(rebasing: plaintext.buffer[0..<plaintext.count]))
        return header.encoded() + file[payloadStart...]
    }

    private static func rekeyFile<Source: ByteSource, Sink: ByteSink>(
        from source: inout BufferedSource<Source>, to sink: inout Sink, identities: [any Identity],
        recipients: [any Recipient]
    ) throws(EnvelopeError) {
        let fileKey = try openHeader(from: &source, identities: identities).fileKey
        let header = try makeHeader(fileKey: fileKey, recipients: recipients)
        let nonce = try readNonce(from: &source)
        try (header.encoded() + nonce).withBytes { raw throws(EnvelopeError) in try sink.write(raw) }
        try Stream.verifyingCopy(from: &source, to: &sink, key: Stream.payloadKey(fileKey: fileKey, nonce: nonce))
    }
}
