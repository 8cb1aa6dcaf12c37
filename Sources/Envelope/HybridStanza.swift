import ActorKeys

/// The mlkem768x25519 recipient type of age (C2SP age.md): the file key sealed with HPKE base
/// mode over X-Wing, `info` the type's label and an empty aad. Two arguments, the type and the
/// base64 of the 1,120-byte encapsulated key; a 32-byte body.
enum HybridStanza {
    static let type = "mlkem768x25519"
    static let bodyLength = Primitives.fileKeyLength + Primitives.tagLength
    /// age's recipient label: a file key wrapped to a post-quantum recipient must not also be
    /// wrapped to a classic one, or the file is no stronger than the classic recipient.
    static let postQuantumLabel = "postquantum"
}

extension HybridRecipient: Recipient {
    public var labels: Set<String> { [HybridStanza.postQuantumLabel] }

    public func wrap(fileKey: SecretBytes) throws(EnvelopeError) -> [Stanza] {
        guard
            let sealed = XWingHPKE.seal(publicKey: publicKey, info: Primitives.mlkem768x25519Label, plaintext: fileKey)
        else {
            throw EnvelopeError(
                .invalidArgument, "invalid mlkem768x25519 recipient \(fingerprint): not a valid X-Wing public key")
        }
        return [
            Stanza(
                arguments: [HybridStanza.type, Base64.encodeUnpadded(sealed.encapsulatedKey)], body: sealed.ciphertext)
        ]
    }
}

extension HybridIdentity: Identity {
    public func unwrap(stanzas: [Stanza]) throws(EnvelopeError) -> SecretBytes? {
        var opener: XWingHPKE.Opener?
        for stanza in stanzas where stanza.type == HybridStanza.type {
            guard stanza.arguments.count == 2 else {
                throw Header.malformed("invalid mlkem768x25519 stanza: wrong argument count")
            }
            guard let encapsulated = Base64.decodeUnpadded(stanza.arguments[1]),
                encapsulated.count == XWingHPKE.encapsulatedKeyLength
            else {
                throw Header.malformed("invalid mlkem768x25519 stanza: invalid encapsulated key")
            }
            // Checked before any decryption, against partitioning oracles.
            guard stanza.body.count == HybridStanza.bodyLength else {
                throw Header.malformed("invalid mlkem768x25519 stanza: wrong body length")
            }
            if opener == nil { opener = XWingHPKE.Opener(seed: seedBytes) }
            switch opener!.open(
                encapsulatedKey: encapsulated, info: Primitives.mlkem768x25519Label, ciphertext: stanza.body)
            {
            case .opened(let fileKey): return fileKey
            case .notOpened: continue
            case .invalidEncapsulation:
                throw Header.malformed("invalid mlkem768x25519 stanza: low-order X25519 share")
            }
        }
        return nil
    }
}

extension AgeIdentity: Identity {
    public func unwrap(stanzas: [Stanza]) throws(EnvelopeError) -> SecretBytes? {
        switch self {
        case .x25519(let identity): try identity.unwrap(stanzas: stanzas)
        case .hybrid(let identity): try identity.unwrap(stanzas: stanzas)
        }
    }
}

extension AgeRecipient: Recipient {
    public var labels: Set<String> {
        switch self {
        case .x25519(let recipient): recipient.labels
        case .hybrid(let recipient): recipient.labels
        }
    }

    public func wrap(fileKey: SecretBytes) throws(EnvelopeError) -> [Stanza] {
        switch self {
        case .x25519(let recipient): try recipient.wrap(fileKey: fileKey)
        case .hybrid(let recipient): try recipient.wrap(fileKey: fileKey)
        }
    }
}
