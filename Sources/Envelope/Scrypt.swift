import ActorKeys

/// The scrypt recipient type of age: a passphrase, a 16-byte salt and a work factor. An scrypt
/// stanza must be the only stanza of its header (checked by `Age.decrypt`).
enum ScryptStanza {
    static let type = "scrypt"
    static let saltLength = 16
    static let bodyLength = Primitives.fileKeyLength + Primitives.tagLength

    static func wrapKey(passphrase: SecretBytes, salt: [UInt8], logN: Int) throws(EnvelopeError) -> SecretBytes {
        guard
            let key = Primitives.scrypt(
                passphrase: passphrase, salt: Array(Primitives.scryptLabel.utf8) + salt, logN: logN)
        else {
            throw EnvelopeError(.invalidArgument, "scrypt with work factor \(logN) failed: not enough memory")
        }
        return key
    }
}

/// ScryptRecipient encrypts to a passphrase.
public struct ScryptRecipient: Recipient {
    /// age's default: 2^18 iterations, about a second on a laptop.
    public static let defaultWorkFactor = 18

    let passphrase: SecretBytes
    public let workFactor: Int

    /// `workFactor` is log2 of scrypt's N, from 1 to 30.
    public init(passphrase: SecretBytes, workFactor: Int = ScryptRecipient.defaultWorkFactor) throws(EnvelopeError) {
        guard (1...30).contains(workFactor) else {
            throw EnvelopeError(.invalidArgument, "scrypt work factor must be between 1 and 30")
        }
        guard passphrase.count > 0 else { throw EnvelopeError(.invalidArgument, "empty passphrase") }
        self.passphrase = passphrase
        self.workFactor = workFactor
    }

    public func wrap(fileKey: SecretBytes) throws(EnvelopeError) -> [Stanza] {
        let salt = Primitives.randomBytes(ScryptStanza.saltLength)
        let wrapKey = try ScryptStanza.wrapKey(passphrase: passphrase, salt: salt, logN: workFactor)
        let body = Primitives.sealWithZeroNonce(key: wrapKey, plaintext: fileKey)
        return [Stanza(arguments: [ScryptStanza.type, Base64.encodeUnpadded(salt), String(workFactor)], body: body)]
    }
}

/// ScryptIdentity decrypts files encrypted to a passphrase.
public struct ScryptIdentity: Identity {
    /// age's default ceiling: 2^22 (4 GiB of memory with r = 8). Files above it are refused
    /// before any work is done.
    public static let defaultMaxWorkFactor = 22

    let passphrase: SecretBytes
    public let maxWorkFactor: Int

    public init(passphrase: SecretBytes, maxWorkFactor: Int = ScryptIdentity.defaultMaxWorkFactor) {
        precondition((1...30).contains(maxWorkFactor), "the scrypt work factor ceiling is between 1 and 30")
        self.passphrase = passphrase
        self.maxWorkFactor = maxWorkFactor
    }

    public func unwrap(stanzas: [Stanza]) throws(EnvelopeError) -> SecretBytes? {
        for stanza in stanzas where stanza.type == ScryptStanza.type {
            guard stanza.arguments.count == 3 else {
                throw Header.malformed("invalid scrypt stanza: wrong argument count")
            }
            guard let salt = Base64.decodeUnpadded(stanza.arguments[1]), salt.count == ScryptStanza.saltLength else {
                throw Header.malformed("invalid scrypt stanza: invalid salt")
            }
            let logN = try Self.parseWorkFactor(stanza.arguments[2])
            guard logN <= maxWorkFactor else {
                throw Header.malformed("scrypt work factor \(logN) is above the limit of \(maxWorkFactor)")
            }
            guard stanza.body.count == ScryptStanza.bodyLength else {
                throw Header.malformed("invalid scrypt stanza: wrong body length")
            }
            let wrapKey = try ScryptStanza.wrapKey(passphrase: passphrase, salt: salt, logN: logN)
            if let fileKey = Primitives.openWithZeroNonce(key: wrapKey, ciphertext: stanza.body) {
                return fileKey
            }
        }
        return nil
    }

    /// `^[1-9][0-9]*$`, as the specification requires; anything too large to be a work factor
    /// is reported as such without overflowing.
    static func parseWorkFactor(_ text: String) throws(EnvelopeError) -> Int {
        let digits = Array(text.utf8)
        guard let first = digits.first, (UInt8(ascii: "1")...UInt8(ascii: "9")).contains(first),
            digits.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) })
        else { throw Header.malformed("invalid scrypt work factor") }
        guard digits.count <= 2, let value = Int(text) else { throw Header.malformed("scrypt work factor too large") }
        return value
    }
}
