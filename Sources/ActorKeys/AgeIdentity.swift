/// AgeIdentity is any native age identity: a classic X25519 key or a hybrid post-quantum
/// MLKEM768-X25519 key. Identity files, `-i` and the key store hold either.
public enum AgeIdentity: Sendable, CustomStringConvertible {
    case x25519(X25519Identity)
    case hybrid(HybridIdentity)

    /// Parses `AGE-SECRET-KEY-1…` or `AGE-SECRET-KEY-PQ-1…` from bytes the caller owns (and
    /// zeroes). Errors never repeat the input.
    public init(parsing text: UnsafeRawBufferPointer) throws(ActorKeysError) {
        if text.starts(with: HybridIdentity.hrp.utf8) {
            self = .hybrid(try HybridIdentity(parsing: text))
        } else {
            self = .x25519(try X25519Identity(parsing: text))
        }
    }

    /// Parses an identity string. Prefer the bytes form for secrets read from files.
    public init(parsing text: String) throws(ActorKeysError) {
        self = try text.withUTF8Buffer { utf8 throws(ActorKeysError) in try AgeIdentity(parsing: utf8) }
    }

    /// Draws a new identity of `kind` from the CSPRNG.
    public static func generate(_ kind: AgeKeyKind) -> AgeIdentity {
        switch kind {
        case .x25519: .x25519(.generate())
        case .hybrid: .hybrid(.generate())
        }
    }

    public var recipient: AgeRecipient {
        switch self {
        case .x25519(let identity): .x25519(identity.recipient)
        case .hybrid(let identity): .hybrid(identity.recipient)
        }
    }

    public var kind: AgeKeyKind { recipient.kind }

    /// The 32 secret bytes (an X25519 scalar or an X-Wing seed), for sealing the identity under a
    /// workspace sealing key.
    package var secretBytes: SecretBytes {
        switch self {
        case .x25519(let identity): identity.secretKeyBytes
        case .hybrid(let identity): identity.seedBytes
        }
    }

    /// Wraps 32 secret bytes whose recipient is known from a record of it (the key store's
    /// database): the recipient says which type they are, and is not derived again.
    package init(secretBytes: SecretBytes, knownRecipient: AgeRecipient) {
        switch knownRecipient {
        case .x25519(let recipient): self = .x25519(X25519Identity(secretKey: secretBytes, knownRecipient: recipient))
        case .hybrid(let recipient): self = .hybrid(HybridIdentity(seed: secretBytes, knownRecipient: recipient))
        }
    }
    public var fingerprint: Fingerprint { recipient.fingerprint }

    /// The Bech32 secret key, as ASCII bytes in zeroing storage, for writing key files.
    public func encodedSecretKey() -> SecretBytes {
        switch self {
        case .x25519(let identity): identity.encodedSecretKey()
        case .hybrid(let identity): identity.encodedSecretKey()
        }
    }

    public var description: String {
        switch self {
        case .x25519(let identity): identity.description
        case .hybrid(let identity): identity.description
        }
    }
}

/// AgeRecipient is any native age recipient: `age1…` (X25519) or `age1pq1…` (MLKEM768-X25519).
public enum AgeRecipient: Sendable, Hashable, CustomStringConvertible {
    case x25519(X25519Recipient)
    case hybrid(HybridRecipient)

    /// Parses `age1pq1…` as a post-quantum recipient and any other `age1…` as X25519.
    public init(parsing text: String) throws(ActorKeysError) {
        if text.hasPrefix(HybridRecipient.hrp + "1") {
            self = .hybrid(try HybridRecipient(parsing: text))
        } else {
            self = .x25519(try X25519Recipient(parsing: text))
        }
    }

    /// Parses a recipient recorded by the key store (see `HybridRecipient(parsingRecorded:)`).
    package init(parsingRecorded text: String) throws(ActorKeysError) {
        if text.hasPrefix(HybridRecipient.hrp + "1") {
            self = .hybrid(try HybridRecipient(parsingRecorded: text))
        } else {
            self = .x25519(try X25519Recipient(parsing: text))
        }
    }

    public var kind: AgeKeyKind {
        switch self {
        case .x25519: .x25519
        case .hybrid: .hybrid
        }
    }

    /// The Bech32 encoding, lowercase.
    public var encoded: String {
        switch self {
        case .x25519(let recipient): recipient.encoded
        case .hybrid(let recipient): recipient.encoded
        }
    }

    public var fingerprint: Fingerprint {
        switch self {
        case .x25519(let recipient): recipient.fingerprint
        case .hybrid(let recipient): recipient.fingerprint
        }
    }
    public var description: String { encoded }
}

/// AgeKeyKind names the two native key types of age.
public enum AgeKeyKind: String, Sendable, Hashable, CaseIterable {
    /// Classic X25519 (`age1…`).
    case x25519
    /// Hybrid post-quantum MLKEM768-X25519, X-Wing (`age1pq1…`): resists "harvest now,
    /// decrypt later".
    case hybrid = "mlkem768x25519"

    /// Whether the key resists a cryptographically relevant quantum computer.
    public var isPostQuantum: Bool { self == .hybrid }
}
