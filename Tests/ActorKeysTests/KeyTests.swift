import Testing

@testable import ActorKeys

@Suite("X25519 identities and recipients")
struct KeyTests {
    // The example pair of the age specification (C2SP age.md): 32 bytes of 0x42.
    static let specIdentity = "AGE-SECRET-KEY-1GFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPQ4EGAEX"
    static let specRecipient = "age1zvkyg2lqzraa2lnjvqej32nkuu0ues2s82hzrye869xeexvn73equnujwj"

    @Test("the specification's example identity yields its example recipient")
    func specExample() throws {
        let identity = try X25519Identity(parsing: Self.specIdentity)
        #expect(identity.recipient.encoded == Self.specRecipient)
        #expect(try X25519Recipient(parsing: Self.specRecipient) == identity.recipient)
        let encoded = identity.encodedSecretKey().withUnsafeBytes { String(decoding: $0, as: UTF8.self) }
        #expect(encoded == Self.specIdentity)
    }

    @Test("generated identities round-trip through their encodings")
    func generatedRoundTrip() throws {
        let identity = X25519Identity.generate()
        let encoded = identity.encodedSecretKey().withUnsafeBytes { Array($0) }
        let parsed = try encoded.withUnsafeBytes { try X25519Identity(parsing: $0) }
        #expect(parsed.recipient == identity.recipient)
        #expect(identity.recipient.encoded.hasPrefix("age1") && identity.recipient.encoded.count == 62)
        #expect(encoded.count == 74)
    }

    @Test("the fingerprint is the first 16 hex characters of SHA-256 over the recipient string")
    func fingerprint() throws {
        let recipient = try X25519Recipient(parsing: Self.specRecipient)
        // sha256("age1zvkyg2lqzraa2lnjvqej32nkuu0ues2s82hzrye869xeexvn73equnujwj"), computed with sha256sum.
        #expect(recipient.fingerprint.hex == "6a804773982840fa")
        #expect(Fingerprint(hex: "6a804773982840fa") == recipient.fingerprint)
        #expect(Fingerprint(hex: "6A804773982840FA") == nil)
        #expect(Fingerprint(hex: "6a804773") == nil)
    }

    @Test("case rules: identities only uppercase, recipients only lowercase, never mixed")
    func caseRules() {
        #expect(throws: ActorKeysError.self) { try X25519Identity(parsing: Self.specIdentity.lowercased()) }
        #expect(throws: ActorKeysError.self) { try X25519Recipient(parsing: Self.specRecipient.uppercased()) }
        var mixed = Array(Self.specRecipient)
        mixed[10] = Character(mixed[10].uppercased())
        #expect(throws: ActorKeysError.self) { try X25519Recipient(parsing: String(mixed)) }
    }

    @Test("malformed keys are refused with an error that never repeats a secret")
    func malformedKeys() {
        var corrupted = Array(Self.specIdentity)
        corrupted[30] = corrupted[30] == "Q" ? "P" : "Q"
        for text in [
            String(corrupted), String(Self.specIdentity.dropLast()), Self.specIdentity + "Q", "AGE-SECRET-KEY-1", "",
        ] {
            do {
                _ = try X25519Identity(parsing: text)
                Issue.record("accepted \(text.count) characters")
            } catch {
                #expect(error.code == .malformedIdentity)
                #expect(!error.message.contains("GFPYYSJZ"))
            }
        }
        // A recipient under the identity's prefix, and an identity under the recipient's, are refused.
        #expect(throws: ActorKeysError.self) { try X25519Recipient(parsing: Self.specIdentity) }
        #expect(throws: ActorKeysError.self) { try X25519Identity(parsing: Self.specRecipient.uppercased()) }
    }

    @Test("a low-order peer point gives no shared secret")
    func lowOrder() {
        let identity = X25519Identity.generate()
        let zero = [UInt8](repeating: 0, count: 32)
        #expect(zero.withUnsafeBytes { identity.sharedSecret(with: $0) } == nil)
        let peer = X25519Identity.generate().recipient.publicKey
        #expect(peer.withUnsafeBytes { identity.sharedSecret(with: $0) } != nil)
    }

    @Test("descriptions show fingerprints and lengths, never key bytes")
    func descriptionsRedact() {
        let identity = X25519Identity.generate()
        let secret = identity.encodedSecretKey()
        let encoded = secret.withUnsafeBytes { String(decoding: $0, as: UTF8.self) }
        for text in [
            String(describing: identity), String(reflecting: identity), String(describing: secret), "\(identity)",
        ] {
            #expect(!text.contains(encoded))
            #expect(!text.contains("AGE-SECRET-KEY"))
        }
        var dumped = ""
        dump(identity, to: &dumped)
        #expect(!dumped.contains(String(encoded.dropFirst(16).prefix(20))))
        #expect(String(describing: identity).contains(identity.fingerprint.hex))
    }

    @Test("secrets compare in constant time and by value")
    func secretEquality() {
        let a = SecretBytes(copying: [1, 2, 3])
        #expect(a.constantTimeEquals(SecretBytes(copying: [1, 2, 3])))
        #expect(!a.constantTimeEquals(SecretBytes(copying: [1, 2, 4])))
        #expect(!a.constantTimeEquals(SecretBytes(copying: [1, 2])))
    }
}

@Suite("names and actor ids")
struct SlugTests {
    @Test(
        "valid slugs",
        arguments: [
            "a", "0", "primary", "v2", "2026-11-23t06.05.00z", "svc_billing-agent.v3",
            String(repeating: "a", count: 64),
        ])
    func valid(_ name: String) throws {
        #expect(try KeyName(name).rawValue == name)
        #expect(try ActorID(name).rawValue == name)
    }

    @Test(
        "hostile and malformed names",
        arguments: [
            "", ".", "..", "../etc", "a/b", "/abs", ".hidden", "-flag", "_x", "Upper", "a b", "a\u{0}b", "é", "a\nb",
            String(repeating: "a", count: 65), "a\\b", "~root",
        ])
    func invalid(_ name: String) {
        do {
            _ = try KeyName(name)
            Issue.record("accepted \(name.debugDescription)")
        } catch {
            #expect(error.code == .invalidName)
            #expect(error.message.contains("[a-z0-9][a-z0-9._-]{0,63}"))
        }
        let error = #expect(throws: ActorKeysError.self) { try ActorID(name) }
        #expect(error?.code == .invalidActor)
    }
}
