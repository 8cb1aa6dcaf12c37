/// X25519Identity is an age X25519 secret key, encoded `AGE-SECRET-KEY-1…` (Bech32, uppercase).
///
/// The 32 secret bytes live in a `SecretBytes` and are zeroed when the last copy of the identity
/// is released. `description` shows only the fingerprint of the matching recipient.
public struct X25519Identity: Sendable, CustomStringConvertible, CustomReflectable {
    static let hrp = "AGE-SECRET-KEY-"

    let secretKey: SecretBytes
    /// The public half, derived once when the identity is created or parsed.
    public let recipient: X25519Recipient

    /// Wraps 32 secret bytes (the scalar, unclamped, exactly as age stores it).
    public init(secretKey: SecretBytes) {
        precondition(secretKey.count == Sodium.x25519KeyLength, "an X25519 secret key is 32 bytes")
        self.secretKey = secretKey
        self.recipient = X25519Recipient(publicKey: Sodium.x25519Base(secretKey))
    }

    /// Wraps 32 secret bytes whose recipient is already known from a record of it (the key
    /// store's database), skipping the scalar multiplication that derives it. For unwrapping
    /// only: were the pairing wrong, no stanza would unwrap (the recipient is part of the
    /// wrapping key's derivation), but encrypting to `recipient` would go to another key.
    package init(secretKey: SecretBytes, knownRecipient: X25519Recipient) {
        precondition(secretKey.count == Sodium.x25519KeyLength, "an X25519 secret key is 32 bytes")
        self.secretKey = secretKey
        self.recipient = knownRecipient
    }

    /// The 32 secret bytes, for sealing the identity under a workspace sealing key.
    package var secretKeyBytes: SecretBytes { secretKey }

    /// Draws a new identity from the CSPRNG.
    public static func generate() -> X25519Identity {
        X25519Identity(secretKey: .random(count: Sodium.x25519KeyLength))
    }

    /// Parses `AGE-SECRET-KEY-1…` from bytes the caller owns (and zeroes). Only the uppercase
    /// form is accepted, as age does. Errors never repeat the input.
    public init(parsing text: UnsafeRawBufferPointer) throws(ActorKeysError) {
        self.init(secretKey: try Self.decodeSecretKey(text))
    }

    /// Parses `AGE-SECRET-KEY-1…` whose recipient is known (see `init(secretKey:knownRecipient:)`).
    package init(parsing text: UnsafeRawBufferPointer, knownRecipient: X25519Recipient) throws(ActorKeysError) {
        self.init(secretKey: try Self.decodeSecretKey(text), knownRecipient: knownRecipient)
    }

    private static func decodeSecretKey(_ text: UnsafeRawBufferPointer) throws(ActorKeysError) -> SecretBytes {
        try KeyEncoding.decodeSecret(text, hrp: hrp, length: Sodium.x25519KeyLength, type: "X25519")
    }

    /// Parses `AGE-SECRET-KEY-1…`. Prefer the bytes form for secrets read from files: a String
    /// cannot be zeroed.
    public init(parsing text: String) throws(ActorKeysError) {
        self = try text.withUTF8Buffer { utf8 throws(ActorKeysError) in try X25519Identity(parsing: utf8) }
    }

    /// The `AGE-SECRET-KEY-1…` encoding, as ASCII bytes in zeroing storage, for writing key files.
    public func encodedSecretKey() -> SecretBytes { KeyEncoding.encodeSecret(secretKey, hrp: Self.hrp) }

    /// X25519(secret, publicKey), or nil when the peer point is of low order and the shared
    /// secret would be all zeros: the caller must abort, as age requires.
    public func sharedSecret(with publicKey: UnsafeRawBufferPointer) -> SecretBytes? {
        precondition(publicKey.count == Sodium.x25519KeyLength, "an X25519 public key is 32 bytes")
        return Sodium.x25519(secretKey, publicKey)
    }

    public var fingerprint: Fingerprint { recipient.fingerprint }

    public var description: String { "X25519Identity(fingerprint: \(fingerprint))" }
    public var customMirror: Mirror { Mirror(self, children: ["recipient": recipient]) }
}

extension String {
    /// `withUTF8` for closures with typed throws (the standard one rethrows `any Error`).
    func withUTF8Buffer<Result>(
        _ body: (UnsafeRawBufferPointer) throws(ActorKeysError) -> Result
    ) throws(ActorKeysError) -> Result {
        var copy = self
        return try copy.withUTF8 { utf8 in
            Swift.Result { () throws(ActorKeysError) -> Result in try body(UnsafeRawBufferPointer(utf8)) }
        }.get()
    }

    func replacingPrefix(_ prefix: String, with replacement: String = "") -> String {
        hasPrefix(prefix) ? replacement + dropFirst(prefix.count) : self
    }
}
