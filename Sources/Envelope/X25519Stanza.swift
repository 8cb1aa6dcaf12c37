import ActorKeys

/// The X25519 recipient type of age: an ephemeral share, and the file key wrapped under
/// HKDF(X25519(ephemeral, recipient), share || recipient, "age-encryption.org/v1/X25519").
enum X25519Stanza {
    static let type = "X25519"
    static let keyLength = 32
    static let bodyLength = Primitives.fileKeyLength + Primitives.tagLength

    static func wrapKey(sharedSecret: SecretBytes, share: [UInt8], recipient: [UInt8]) -> SecretBytes {
        Primitives.hkdf(ikm: sharedSecret, salt: share + recipient, info: Primitives.x25519Label)
    }
}

extension X25519Recipient: Recipient {
    public func wrap(fileKey: SecretBytes) throws(EnvelopeError) -> [Stanza] {
        let ephemeral = X25519Identity.generate()
        let share = ephemeral.recipient.publicKey
        guard let shared = publicKey.withUnsafeBytes({ ephemeral.sharedSecret(with: $0) }) else {
            throw EnvelopeError(.invalidArgument, "invalid X25519 recipient \(encoded): low-order point")
        }
        let wrapKey = X25519Stanza.wrapKey(sharedSecret: shared, share: share, recipient: publicKey)
        let body = Primitives.sealWithZeroNonce(key: wrapKey, plaintext: fileKey)
        return [Stanza(arguments: [X25519Stanza.type, Base64.encodeUnpadded(share)], body: body)]
    }
}

extension X25519Identity: Identity {
    public func unwrap(stanzas: [Stanza]) throws(EnvelopeError) -> SecretBytes? {
        for stanza in stanzas where stanza.type == X25519Stanza.type {
            guard stanza.arguments.count == 2 else {
                throw Header.malformed("invalid X25519 stanza: wrong argument count")
            }
            guard let share = Base64.decodeUnpadded(stanza.arguments[1]), share.count == X25519Stanza.keyLength else {
                throw Header.malformed("invalid X25519 stanza: invalid ephemeral share")
            }
            // Checked before any decryption, against partitioning oracles.
            guard stanza.body.count == X25519Stanza.bodyLength else {
                throw Header.malformed("invalid X25519 stanza: wrong body length")
            }
            guard let shared = share.withUnsafeBytes({ sharedSecret(with: $0) }) else {
                throw Header.malformed("invalid X25519 stanza: low-order ephemeral share")
            }
            let wrapKey = X25519Stanza.wrapKey(sharedSecret: shared, share: share, recipient: recipient.publicKey)
            if let fileKey = Primitives.openWithZeroNonce(key: wrapKey, ciphertext: stanza.body) {
                return fileKey
            }
        }
        return nil
    }
}
