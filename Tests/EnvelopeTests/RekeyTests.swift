import ActorKeys
import Testing

@testable import Envelope

@Suite("rekey: new recipients, the same payload bytes")
struct RekeyTests {
    /// The payload section of a binary file: everything after the header's MAC line.
    func payload(of file: [UInt8]) -> ArraySlice<UInt8> {
        let end = file.firstRange(of: Array("\n--- ".utf8))!.upperBound + 44
        return file[end...]
    }

    @Test(
        "at every size: the payload is copied byte for byte and opens with the new key only", arguments: AgeTests.sizes)
    func sizes(size: Int) throws {
        let old = X25519Identity.generate()
        let new = X25519Identity.generate()
        let plaintext = pattern(size, seed: UInt8(truncatingIfNeeded: size &+ 5))
        let file = try Age.encrypt(plaintext, to: [old.recipient])
        let rekeyed = try Age.rekey(file, with: [old], to: [new.recipient])
        #expect(payload(of: rekeyed) == payload(of: file))
        #expect(try Age.decrypt(rekeyed, with: [new]) == plaintext)
        let removed = #expect(throws: EnvelopeError.self) { try Age.decrypt(rekeyed, with: [old]) }
        #expect(removed?.code == .noIdentityMatched)
    }

    @Test("to several recipients, post-quantum ones too, and from a post-quantum file")
    func kinds() throws {
        let classic = X25519Identity.generate()
        let hybrid = (0..<2).map { _ in HybridIdentity.generate() }
        let file = try Age.encrypt(pattern(70_000), to: [classic.recipient])
        let toHybrid = try Age.rekey(file, with: [classic], to: hybrid.map(\.recipient))
        for identity in hybrid { #expect(try Age.decrypt(toHybrid, with: [identity]) == pattern(70_000)) }
        let back = try Age.rekey(toHybrid, with: [hybrid[1]], to: [classic.recipient])
        #expect(try Age.decrypt(back, with: [classic]) == pattern(70_000))
        #expect(payload(of: back) == payload(of: file))
        let mixed = #expect(throws: EnvelopeError.self) {
            try Age.rekey(file, with: [classic], to: [classic.recipient, hybrid[0].recipient])
        }
        #expect(mixed?.code == .invalidArgument)
        // A passphrase file rekeys to a key, and a key file to a passphrase.
        let passphrase = SecretBytes(copying: Array("correct horse".utf8))
        let scrypt = try Age.encrypt([1, 2], to: [try ScryptRecipient(passphrase: passphrase, workFactor: 4)])
        let keyed = try Age.rekey(scrypt, with: [ScryptIdentity(passphrase: passphrase)], to: [classic.recipient])
        #expect(try Age.decrypt(keyed, with: [classic]) == [1, 2])
    }

    @Test("armored in, armored out; binary in, binary out")
    func armor() throws {
        let old = X25519Identity.generate()
        let new = HybridIdentity.generate()
        let armored = try Age.encrypt(pattern(200_000), to: [old.recipient], format: .armored)
        let rekeyed = try Age.rekey(armored, with: [old], to: [new.recipient])
        #expect(rekeyed.starts(with: Array("-----BEGIN AGE ENCRYPTED FILE-----\n".utf8)))
        #expect(try Age.decrypt(rekeyed, with: [new]) == pattern(200_000))
        let binary = try Age.decrypt(try Age.rekey(rekeyed, with: [new], to: [old.recipient]), with: [old])
        #expect(binary == pattern(200_000))
        // The payload inside the armor is unchanged as well.
        let inner = try Age.rekey(Age.encrypt([7], to: [old.recipient]), with: [old], to: [old.recipient])
        #expect(inner.starts(with: Array("age-encryption.org/v1\n".utf8)))
    }

    @Test("every failure class of decrypt, and nothing written after a bad chunk")
    func failures() throws {
        let old = X25519Identity.generate()
        let file = try Age.encrypt(pattern(3 * Stream.chunkSize + 5), to: [old.recipient])
        let stranger = #expect(throws: EnvelopeError.self) {
            try Age.rekey(file, with: [X25519Identity.generate()], to: [old.recipient])
        }
        #expect(stranger?.code == .noIdentityMatched)
        #expect(throws: EnvelopeError.self) { try Age.rekey(file, with: [], to: [old.recipient]) }
        #expect(throws: EnvelopeError.self) { try Age.rekey(file, with: [old], to: []) }
        var mac = file
        let macStart = file.firstRange(of: Array("\n--- ".utf8))!.upperBound
        mac.replaceSubrange(macStart..<(macStart + 43), with: Array(repeating: UInt8(ascii: "A"), count: 43))
        let badMAC = #expect(throws: EnvelopeError.self) { try Age.rekey(mac, with: [old], to: [old.recipient]) }
        #expect(badMAC?.code == .badHeaderMAC)
        // A chunk altered in the middle: the error is a payload error, and what was written
        // stops before that chunk's batch.
        var altered = file
        altered[altered.count - 100] ^= 1
        var source = BytesSource(altered)
        var sink = BytesSink()
        let payloadError = #expect(throws: EnvelopeError.self) {
            try Age.rekey(from: &source, to: &sink, identities: [old], recipients: [old.recipient])
        }
        #expect(payloadError?.code == .malformedPayload)
        #expect(sink.bytes.count < altered.count - 100)
        let truncated = #expect(throws: EnvelopeError.self) {
            try Age.rekey(Array(file.dropLast(20)), with: [old], to: [old.recipient])
        }
        #expect(truncated?.code == .malformedPayload)
        let header = #expect(throws: EnvelopeError.self) {
            try Age.rekey(Array("age-encryption.org/v1\n-> X25519\n".utf8), with: [old], to: [old.recipient])
        }
        #expect(header?.code == .malformedHeader)
    }
}
