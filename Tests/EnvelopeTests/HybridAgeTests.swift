import ActorKeys
import Testing

@testable import Envelope

@Suite("post-quantum age (mlkem768x25519)")
struct HybridAgeTests {
    @Test("round trip at every size the X25519 tests use, binary and armored", arguments: AgeTests.sizes)
    func roundTrip(size: Int) throws {
        let identity = HybridIdentity.generate()
        let plaintext = pattern(size, seed: UInt8(truncatingIfNeeded: size &+ 3))
        for format in [Age.Format.binary, .armored] {
            let ciphertext = try Age.encrypt(plaintext, to: [identity.recipient], format: format)
            #expect(try Age.decrypt(ciphertext, with: [identity]) == plaintext)
            #expect(try Age.decrypt(ciphertext, with: [AgeIdentity.hybrid(identity)]) == plaintext)
        }
    }

    @Test("the stanza: two arguments, a 1,120-byte encapsulated key, a 32-byte body; fresh per file")
    func stanzaShape() throws {
        let recipient = HybridIdentity.generate().recipient
        let first = try recipient.wrap(fileKey: SecretBytes.random(count: 16))
        let second = try recipient.wrap(fileKey: SecretBytes.random(count: 16))
        #expect(first.count == 1)
        #expect(first[0].arguments.count == 2)
        #expect(first[0].type == "mlkem768x25519")
        #expect(Base64.decodeUnpadded(first[0].arguments[1])?.count == 1120)
        #expect(first[0].body.count == 32)
        #expect(first[0].arguments[1] != second[0].arguments[1])
        // The header of one post-quantum recipient is about 1.6 KB (age 1.3 writes 1,627 bytes).
        let file = try Age.encrypt([], to: [recipient])
        #expect(file.count == 1627 + 32)
    }

    @Test("several post-quantum recipients: each identity alone decrypts, another does not")
    func severalRecipients() throws {
        let identities = (0..<3).map { _ in HybridIdentity.generate() }
        let ciphertext = try Age.encrypt(pattern(5000), to: identities.map(\.recipient))
        for identity in identities { #expect(try Age.decrypt(ciphertext, with: [identity]) == pattern(5000)) }
        let error = #expect(throws: EnvelopeError.self) {
            try Age.decrypt(ciphertext, with: [HybridIdentity.generate(), X25519Identity.generate()])
        }
        #expect(error?.code == .noIdentityMatched)
    }

    @Test("encryption refuses to mix post-quantum and classic recipients, in either order")
    func refusesMixing() throws {
        let hybrid = HybridIdentity.generate().recipient
        let classic = X25519Identity.generate().recipient
        for recipients in [[hybrid, classic], [classic, hybrid]] as [[any Recipient]] {
            let error = #expect(throws: EnvelopeError.self) { try Age.encrypt([1], to: recipients) }
            #expect(error?.code == .invalidArgument)
            #expect(
                error?.message
                    == "incompatible recipients: can't mix post-quantum and classic recipients, or the file would be vulnerable to quantum computers"
            )
        }
        let mixedKinds: [any Recipient] = [AgeRecipient.hybrid(hybrid), AgeRecipient.x25519(classic)]
        #expect(throws: EnvelopeError.self) { try Age.encrypt([1], to: mixedKinds) }
        // A passphrase is alone whatever it is next to: that rule speaks first.
        let scrypt = try ScryptRecipient(passphrase: SecretBytes(copying: [1]), workFactor: 2)
        let alone = #expect(throws: EnvelopeError.self) { try Age.encrypt([1], to: [scrypt, hybrid]) }
        #expect(alone?.message == "a passphrase (scrypt) recipient must be the only recipient")
    }

    @Test("an invalid X-Wing public key is refused before anything is written")
    func invalidRecipient() {
        // All 0xFF: every ML-KEM coefficient is out of range (FIPS 203's modulus check).
        let bad = HybridRecipient(publicKey: [UInt8](repeating: 0xFF, count: HybridRecipient.publicKeyLength))
        var sink = BytesSink()
        var source = BytesSource([1, 2, 3])
        let error = #expect(throws: EnvelopeError.self) {
            try Age.encrypt(from: &source, to: &sink, recipients: [bad])
        }
        #expect(error?.code == .invalidArgument)
        #expect(sink.bytes.isEmpty)
        // A low-order X25519 half is refused as well.
        var lowOrder = HybridIdentity.generate().recipient.publicKey
        lowOrder.replaceSubrange(1184..<1216, with: [UInt8](repeating: 0, count: 32))
        #expect(throws: EnvelopeError.self) { try Age.encrypt([1], to: [HybridRecipient(publicKey: lowOrder)]) }
    }

    @Test("every truncation of a post-quantum file is refused, never crashes, never returns plaintext")
    func everyTruncation() throws {
        let identity = HybridIdentity.generate()
        let ciphertext = try Age.encrypt(pattern(100), to: [identity.recipient])
        for length in stride(from: 0, to: ciphertext.count, by: 7) {
            #expect(throws: EnvelopeError.self) { try Age.decrypt(Array(ciphertext.prefix(length)), with: [identity]) }
        }
    }
}
