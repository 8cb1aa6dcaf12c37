import ActorKeys
import Testing

@testable import Envelope

/// A source that produces `count` bytes of `pattern` on demand, without holding them.
struct GeneratedSource: ByteSource {
    let count: Int
    var offset = 0
    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws(EnvelopeError) -> Int {
        let n = min(buffer.count, count - offset, 7919)  // odd read sizes exercise the batching
        for index in 0..<n { buffer[index] = GeneratedSource.byte(at: offset + index) }
        offset += n
        return n
    }
    static func byte(at position: Int) -> UInt8 { UInt8(truncatingIfNeeded: position &* 31 &+ position >> 11) }
}

/// A sink that checks what it receives against GeneratedSource and records the largest write.
struct VerifyingSink: ByteSink {
    var offset = 0
    var largestWrite = 0
    var mismatch: Int?
    mutating func write(_ bytes: UnsafeRawBufferPointer) throws(EnvelopeError) {
        largestWrite = max(largestWrite, bytes.count)
        for (index, byte) in bytes.enumerated()
        where mismatch == nil && byte != GeneratedSource.byte(at: offset + index) {
            mismatch = offset + index
        }
        offset += bytes.count
    }
}

/// A sink that only counts, for streaming the ciphertext between two passes.
struct CollectingSink: ByteSink {
    var bytes: [UInt8] = []
    mutating func write(_ bytes: UnsafeRawBufferPointer) throws(EnvelopeError) { self.bytes.append(contentsOf: bytes) }
}

@Suite("age encryption and decryption")
struct AgeTests {
    static let sizes = [
        0, 1, 15, 16, 17, 1024, Stream.chunkSize - 1, Stream.chunkSize, Stream.chunkSize + 1,
        2 * Stream.chunkSize, 15 * Stream.chunkSize, 16 * Stream.chunkSize, 16 * Stream.chunkSize + 1,
        3 * 1024 * 1024 + 7,
    ]

    @Test("round trip at chunk and batch boundaries, binary and armored", arguments: sizes)
    func roundTrip(size: Int) throws {
        let identity = X25519Identity.generate()
        let plaintext = pattern(size, seed: UInt8(truncatingIfNeeded: size))
        for format in [Age.Format.binary, .armored] {
            let ciphertext = try Age.encrypt(plaintext, to: [identity.recipient], format: format)
            #expect(try Age.decrypt(ciphertext, with: [identity]) == plaintext)
            // The layout age prescribes: one 16-byte tag per started chunk, at least one chunk.
            if format == .binary {
                let chunks = max(1, (size + Stream.chunkSize - 1) / Stream.chunkSize)
                let headerEnd = ciphertext.firstRange(of: Array("\n--- ".utf8))!.upperBound + 44
                #expect(ciphertext.count - headerEnd == 16 + size + 16 * chunks)
            }
        }
    }

    @Test("streams a large input from a source that does not know its size, with bounded writes")
    func streamsLargeInput() throws {
        let identity = X25519Identity.generate()
        let size = 40 * 1024 * 1024 + 12_345
        var source = GeneratedSource(count: size)
        var encrypted = CollectingSink()
        try Age.encrypt(from: &source, to: &encrypted, recipients: [identity.recipient])
        var ciphertext = BytesSource(encrypted.bytes)
        var verifying = VerifyingSink()
        try Age.decrypt(from: &ciphertext, to: &verifying, identities: [identity])
        #expect(verifying.offset == size)
        #expect(verifying.mismatch == nil)
        #expect(verifying.largestWrite <= Stream.chunksPerBatch * Stream.chunkSize)
    }

    @Test("several recipients: each identity alone decrypts")
    func severalRecipients() throws {
        let identities = (0..<5).map { _ in X25519Identity.generate() }
        let plaintext = pattern(1000)
        let ciphertext = try Age.encrypt(plaintext, to: identities.map(\.recipient))
        for identity in identities {
            #expect(try Age.decrypt(ciphertext, with: [identity]) == plaintext)
        }
        let error = #expect(throws: EnvelopeError.self) {
            try Age.decrypt(ciphertext, with: [X25519Identity.generate()])
        }
        #expect(error?.code == .noIdentityMatched)
        #expect(error?.message == "no identity matched any of the recipients")
    }

    @Test("scrypt round trip; wrong passphrase; scrypt cannot be mixed with other recipients")
    func scrypt() throws {
        let passphrase = SecretBytes(copying: Array("correct horse".utf8))
        let recipient = try ScryptRecipient(passphrase: passphrase, workFactor: 10)
        let ciphertext = try Age.encrypt(pattern(70_000), to: [recipient])
        #expect(try Age.decrypt(ciphertext, with: [ScryptIdentity(passphrase: passphrase)]) == pattern(70_000))
        let wrong = #expect(throws: EnvelopeError.self) {
            try Age.decrypt(ciphertext, with: [ScryptIdentity(passphrase: SecretBytes(copying: Array("wrong".utf8)))])
        }
        #expect(wrong?.code == .noIdentityMatched)
        #expect(wrong?.message == "incorrect passphrase")
        let mixed = #expect(throws: EnvelopeError.self) {
            try Age.encrypt([1], to: [recipient, X25519Identity.generate().recipient])
        }
        #expect(mixed?.code == .invalidArgument)
        // A work factor above the identity's ceiling is refused before any work is done.
        let strong = try Age.encrypt([1], to: [try ScryptRecipient(passphrase: passphrase, workFactor: 12)])
        let capped = #expect(throws: EnvelopeError.self) {
            try Age.decrypt(strong, with: [ScryptIdentity(passphrase: passphrase, maxWorkFactor: 11)])
        }
        #expect(capped?.code == .malformedHeader)
        #expect(throws: EnvelopeError.self) { try ScryptRecipient(passphrase: passphrase, workFactor: 31) }
    }

    @Test("the header is canonical: parsed and re-encoded, it is byte for byte the same")
    func canonicalHeader() throws {
        let recipients = (0..<3).map { _ in X25519Identity.generate().recipient }
        let ciphertext = try Age.encrypt([1, 2, 3], to: recipients)
        var source = BufferedSource(BytesSource(ciphertext))
        let header = try Header.parse(from: &source)
        #expect(Array(ciphertext.prefix(header.encoded().count)) == header.encoded())
        // The MAC is computed over the bytes as read: they must be the canonical encoding.
        #expect(header.macInput == header.encodedWithoutMAC())
        #expect(header.stanzas.count == 3)
        #expect(header.stanzas.allSatisfy { $0.type == "X25519" && $0.arguments.count == 2 && $0.body.count == 32 })
    }

    @Test("stanzas can be read without decrypting")
    func readsStanzas() throws {
        let ciphertext = try Age.encrypt(
            [1], to: [try ScryptRecipient(passphrase: SecretBytes(copying: [1]), workFactor: 2)], format: .armored)
        var source = BytesSource(ciphertext)
        #expect(try Age.stanzas(of: &source).map(\.type) == ["scrypt"])
    }

    @Test("fresh file key and nonce per file: the same input encrypts differently")
    func freshRandomness() throws {
        let recipient = X25519Identity.generate().recipient
        #expect(try Age.encrypt([1, 2, 3], to: [recipient]) != Age.encrypt([1, 2, 3], to: [recipient]))
    }

    @Test("no recipients, no identities, a low-order recipient: clear argument errors")
    func argumentErrors() {
        #expect(throws: EnvelopeError.self) { try Age.encrypt([1], to: []) }
        #expect(throws: EnvelopeError.self) { try Age.decrypt([1], with: []) }
        let lowOrder = X25519Recipient(publicKey: [UInt8](repeating: 0, count: 32))
        let error = #expect(throws: EnvelopeError.self) { try Age.encrypt([1], to: [lowOrder]) }
        #expect(error?.code == .invalidArgument)
    }

    @Test("every truncation of a file is refused, never crashes, never returns plaintext")
    func everyTruncation() throws {
        let identity = X25519Identity.generate()
        let plaintext = pattern(300)
        let ciphertext = try Age.encrypt(plaintext, to: [identity.recipient])
        for length in 0..<ciphertext.count {
            #expect(throws: EnvelopeError.self) { try Age.decrypt(Array(ciphertext.prefix(length)), with: [identity]) }
        }
    }

    @Test("every single-bit flip in a small file is detected")
    func everyBitFlip() throws {
        let identity = X25519Identity.generate()
        let ciphertext = try Age.encrypt(pattern(40), to: [identity.recipient])
        for index in ciphertext.indices {
            for bit in [0, 5] {
                var altered = ciphertext
                altered[index] ^= 1 << UInt8(bit)
                #expect(throws: EnvelopeError.self, "flip at \(index) bit \(bit)") {
                    try Age.decrypt(altered, with: [identity])
                }
            }
        }
    }

    @Test("random garbage of many sizes is refused without a crash")
    func garbage() {
        let identity = X25519Identity.generate()
        for size in [0, 1, 21, 22, 100, 4096] {
            var prefix = Array("age-encryption.org/v1\n".utf8)
            prefix += pattern(size, seed: 77)
            #expect(throws: EnvelopeError.self) { try Age.decrypt(pattern(size, seed: 3), with: [identity]) }
            #expect(throws: EnvelopeError.self) { try Age.decrypt(prefix, with: [identity]) }
        }
        // A header that never ends is cut off at the size limit.
        let endless =
            Array("age-encryption.org/v1\n-> x\n".utf8)
            + Array(repeating: UInt8(ascii: "A"), count: 2 * Header.sizeLimit)
        let error = #expect(throws: EnvelopeError.self) { try Age.decrypt(endless, with: [identity]) }
        #expect(error?.code == .malformedHeader)
    }

    /// A recipient whose stanzas fill `bytes` of header: many recipients, cheaply.
    struct Bulky: Recipient {
        let bytes: Int
        func wrap(fileKey: SecretBytes) throws(EnvelopeError) -> [Stanza] {
            [Stanza(arguments: ["bulky"], body: Array(repeating: 7, count: bytes * 3 / 4))]
        }
    }

    @Test("encryption refuses a header that decryption would refuse, and writes one under it")
    func headerLimitAgrees() throws {
        let identity = X25519Identity.generate()
        let under = try Age.encrypt([1, 2, 3], to: [Bulky(bytes: Header.sizeLimit * 9 / 10), identity.recipient])
        #expect(try Age.decrypt(under, with: [identity]) == [1, 2, 3])
        let error = #expect(throws: EnvelopeError.self) {
            try Age.encrypt([1, 2, 3], to: [Bulky(bytes: Header.sizeLimit), identity.recipient])
        }
        #expect(error?.code == .invalidArgument && error?.message.contains("too many recipients") == true)
    }
}
