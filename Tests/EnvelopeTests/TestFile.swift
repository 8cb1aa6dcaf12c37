import ActorKeys

@testable import Envelope

/// TestFile builds age files line by line, valid or deliberately broken, the way age's testkit
/// generator does, so each failure class can be produced on purpose.
struct TestFile {
    static let defaultFileKey = Array("YELLOW SUBMARINE".utf8)
    // A fixed identity derived from a fixed scalar, so failures reproduce.
    static let identity = X25519Identity(secretKey: SecretBytes(copying: [UInt8](repeating: 0x42, count: 32)))
    static let otherIdentity = X25519Identity(secretKey: SecretBytes(copying: [UInt8](repeating: 0x17, count: 32)))

    // The post-quantum counterparts, from fixed seeds.
    static let hybridIdentity = HybridIdentity(seed: SecretBytes(copying: [UInt8](repeating: 0x42, count: 32)))
    static let otherHybridIdentity = HybridIdentity(seed: SecretBytes(copying: [UInt8](repeating: 0x17, count: 32)))

    var fileKey: [UInt8] = TestFile.defaultFileKey
    var bytes: [UInt8] = []
    var payloadNonce: [UInt8] = [UInt8](repeating: 0x30, count: 16)
    private var chunkCounter: UInt64 = 0

    var fileKeySecret: SecretBytes { SecretBytes(copying: fileKey) }

    mutating func text(_ line: String) { bytes += Array(line.utf8) }
    mutating func line(_ line: String) { text(line + "\n") }
    mutating func versionLine(_ version: String = "v1") { line("age-encryption.org/" + version) }
    mutating func argsLine(_ arguments: String...) { line((["->"] + arguments).joined(separator: " ")) }

    /// The body in 64-column lines, always ending with a shorter (possibly empty) line.
    mutating func body(_ body: [UInt8]) {
        let encoded = Base64.encodeUnpadded(body)
        var rest = Substring(encoded)
        while rest.count >= 64 {
            line(String(rest.prefix(64)))
            rest = rest.dropFirst(64)
        }
        line(String(rest))
    }

    /// An X25519 stanza for `recipient` wrapping `fileKey` (or `wrapped` instead), with an
    /// optional forced ephemeral share (for low-order points).
    mutating func x25519(
        to recipient: X25519Recipient = TestFile.identity.recipient, share forcedShare: [UInt8]? = nil,
        fileKey wrappedKey: [UInt8]? = nil, mutateBody: (inout [UInt8]) -> Void = { _ in },
        mutateArguments: (inout [String]) -> Void = { _ in }
    ) {
        let (arguments, body) = x25519Stanza(to: recipient, share: forcedShare, fileKey: wrappedKey)
        var args = arguments
        var stanzaBody = body
        mutateArguments(&args)
        mutateBody(&stanzaBody)
        line((["->"] + args).joined(separator: " "))
        self.body(stanzaBody)
    }

    func x25519Stanza(
        to recipient: X25519Recipient, share forcedShare: [UInt8]?, fileKey wrappedKey: [UInt8]?
    ) -> ([String], [UInt8]) {
        let ephemeral = X25519Identity(secretKey: SecretBytes(copying: [UInt8](repeating: 0x07, count: 32)))
        let share = forcedShare ?? ephemeral.recipient.publicKey
        let shared: SecretBytes
        if forcedShare == nil {
            shared = recipient.publicKey.withUnsafeBytes { ephemeral.sharedSecret(with: $0)! }
        } else {
            // A low-order share gives the all-zero secret: wrap under that, as a bad sender would.
            shared = SecretBytes(copying: [UInt8](repeating: 0, count: 32))
        }
        let wrapKey = X25519Stanza.wrapKey(sharedSecret: shared, share: share, recipient: recipient.publicKey)
        let body = Primitives.sealWithZeroNonce(key: wrapKey, plaintext: SecretBytes(copying: wrappedKey ?? fileKey))
        return (["X25519", Base64.encodeUnpadded(share)], body)
    }

    /// An mlkem768x25519 stanza for `recipient` wrapping `fileKey` (or `wrapped` instead). The
    /// encapsulation is random (HPKE draws it), so only its failure class is fixed.
    mutating func hybrid(
        to recipient: HybridRecipient = TestFile.hybridIdentity.recipient, fileKey wrappedKey: [UInt8]? = nil,
        mutateEncapsulation: (inout [UInt8]) -> Void = { _ in }, mutateBody: (inout [UInt8]) -> Void = { _ in },
        mutateArguments: (inout [String]) -> Void = { _ in }
    ) {
        let sealed = XWingHPKE.seal(
            publicKey: recipient.publicKey, info: Primitives.mlkem768x25519Label,
            plaintext: SecretBytes(copying: wrappedKey ?? fileKey))!
        var encapsulated = sealed.encapsulatedKey
        var body = sealed.ciphertext
        mutateEncapsulation(&encapsulated)
        var arguments = ["mlkem768x25519", Base64.encodeUnpadded(encapsulated)]
        mutateArguments(&arguments)
        mutateBody(&body)
        line((["->"] + arguments).joined(separator: " "))
        self.body(body)
    }

    /// An scrypt stanza for `passphrase` at `workFactor`, optionally announcing another factor.
    mutating func scrypt(
        passphrase: String = "password", workFactor: Int = 10, salt: [UInt8] = [UInt8](repeating: 0x5A, count: 16),
        fileKey wrappedKey: [UInt8]? = nil, mutateBody: (inout [UInt8]) -> Void = { _ in },
        mutateArguments: (inout [String]) -> Void = { _ in }
    ) {
        let wrapKey = try! ScryptStanza.wrapKey(
            passphrase: SecretBytes(copying: Array(passphrase.utf8)), salt: salt, logN: workFactor)
        var body = Primitives.sealWithZeroNonce(key: wrapKey, plaintext: SecretBytes(copying: wrappedKey ?? fileKey))
        var arguments = ["scrypt", Base64.encodeUnpadded(salt), String(workFactor)]
        mutateArguments(&arguments)
        mutateBody(&body)
        line((["->"] + arguments).joined(separator: " "))
        self.body(body)
    }

    /// The MAC of everything written so far plus `---`.
    func mac(fileKey key: [UInt8]? = nil) -> [UInt8] {
        Header.mac(for: bytes + Array("---".utf8), fileKey: SecretBytes(copying: key ?? fileKey))
    }

    mutating func macLine(fileKey key: [UInt8]? = nil) { line("--- " + Base64.encodeUnpadded(mac(fileKey: key))) }

    mutating func nonce(_ nonce: [UInt8]? = nil) {
        if let nonce { payloadNonce = nonce }
        bytes += payloadNonce
    }

    /// Appends one sealed chunk of `plaintext` with the given last flag.
    mutating func chunk(_ plaintext: [UInt8], last: Bool) {
        let key = Stream.payloadKey(fileKey: fileKeySecret, nonce: payloadNonce)
        let cipher = PayloadCipher(key: key, direction: .seal)
        var sealed = [UInt8](repeating: 0, count: plaintext.count + 16)
        plaintext.withUnsafeBytes { input in
            sealed.withUnsafeMutableBytes { output in
                Stream.withChunkNonce(chunkCounter, last: last) { cipher.seal(input, into: output, nonce: $0) }
            }
        }
        chunkCounter += 1
        bytes += sealed
    }

    /// A complete valid header for the default identity, then the nonce.
    static func standardHeader() -> TestFile {
        var file = TestFile()
        file.versionLine()
        file.x25519()
        file.macLine()
        file.nonce()
        return file
    }

    /// Armors bytes the way age does: 64-column lines of padded base64.
    static func armor(_ bytes: [UInt8]) -> String {
        let encoded = String(decoding: bytes.withUnsafeBytes { Base64.encodePadded($0) }, as: UTF8.self)
        var lines = [Armor.beginLine]
        var rest = Substring(encoded)
        while !rest.isEmpty {
            lines.append(String(rest.prefix(64)))
            rest = rest.dropFirst(64)
        }
        lines.append(Armor.endLine)
        return lines.joined(separator: "\n") + "\n"
    }

    /// Replaces the last base64 character with the next one in the alphabet: same length, but
    /// non-zero trailing bits.
    static func notCanonical(_ encoded: String) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
        var characters = Array(encoded)
        let index = alphabet.firstIndex(of: characters.last!)!
        characters[characters.count - 1] = alphabet[(index + 1) % 64]
        return String(characters)
    }
}

/// Deterministic bytes for payloads.
func pattern(_ count: Int, seed: UInt8 = 1) -> [UInt8] {
    var state = UInt32(seed) &* 2_654_435_761
    return (0..<count).map { _ in
        state = state &* 1_103_515_245 &+ 12345
        return UInt8(truncatingIfNeeded: state >> 16)
    }
}
