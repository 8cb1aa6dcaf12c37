internal import Crypto
import FoundationEssentials

/// HybridIdentity is an age MLKEM768-X25519 (X-Wing) post-quantum secret key, encoded
/// `AGE-SECRET-KEY-PQ-1…` (Bech32, uppercase).
///
/// The identity is a 32-byte seed, which X-Wing expands with SHAKE256 into the ML-KEM-768
/// and X25519 keys (C2SP age.md; draft-connolly-cfrg-xwing-kem). The seed lives in a
/// `SecretBytes` and is zeroed with the last copy of the identity. The expanded keys exist only
/// inside swift-crypto, while the recipient is derived (on creating or parsing an identity
/// whose recipient is not recorded) and for the length of one unwrap, and swift-crypto does not
/// zero them when it frees them (docs/decisions/0008-post-quantum-age.md).
public struct HybridIdentity: Sendable, CustomStringConvertible, CustomReflectable {
    static let hrp = "AGE-SECRET-KEY-PQ-"
    /// The length of the seed.
    public static let seedLength = 32

    let seed: SecretBytes
    /// The public half, derived once when the identity is created or parsed.
    public let recipient: HybridRecipient

    /// Wraps a 32-byte seed and derives its recipient (PrivateKeyToPublicKey of X-Wing).
    public init(seed: SecretBytes) {
        precondition(seed.count == Self.seedLength, "an MLKEM768-X25519 seed is 32 bytes")
        self.seed = seed
        self.recipient = HybridRecipient(publicKey: Self.publicKey(of: seed))
    }

    /// Wraps a seed whose recipient is already known from a record of it (the key store's
    /// database), skipping the ML-KEM key generation that derives it. For unwrapping only:
    /// were the pairing wrong, no stanza would open, but encrypting to `recipient` would go to
    /// another key.
    package init(seed: SecretBytes, knownRecipient: HybridRecipient) {
        precondition(seed.count == Self.seedLength, "an MLKEM768-X25519 seed is 32 bytes")
        self.seed = seed
        self.recipient = knownRecipient
    }

    /// The seed, for sealing the identity under a workspace sealing key and for the stanza code.
    package var seedBytes: SecretBytes { seed }

    /// Draws a new identity from the CSPRNG: the seed is 32 random bytes, as age-keygen -pq does.
    public static func generate() -> HybridIdentity {
        HybridIdentity(seed: .random(count: seedLength))
    }

    /// Parses `AGE-SECRET-KEY-PQ-1…` from bytes the caller owns (and zeroes). Only the uppercase
    /// form is accepted. Errors never repeat the input.
    public init(parsing text: UnsafeRawBufferPointer) throws(ActorKeysError) {
        self.init(
            seed: try KeyEncoding.decodeSecret(text, hrp: Self.hrp, length: Self.seedLength, type: "MLKEM768-X25519"))
    }

    /// Parses `AGE-SECRET-KEY-PQ-1…`. Prefer the bytes form for secrets read from files.
    public init(parsing text: String) throws(ActorKeysError) {
        self = try text.withUTF8Buffer { utf8 throws(ActorKeysError) in try HybridIdentity(parsing: utf8) }
    }

    /// The `AGE-SECRET-KEY-PQ-1…` encoding, as ASCII bytes in zeroing storage.
    public func encodedSecretKey() -> SecretBytes { KeyEncoding.encodeSecret(seed, hrp: Self.hrp) }

    public var fingerprint: Fingerprint { recipient.fingerprint }

    public var description: String { "HybridIdentity(fingerprint: \(fingerprint))" }
    public var customMirror: Mirror { Mirror(self, children: ["recipient": recipient]) }

    /// X-Wing's public key for `seed`: the ML-KEM-768 encapsulation key, then the X25519 share.
    private static func publicKey(of seed: SecretBytes) -> [UInt8] {
        do {
            let key = try seed.withUnsafeBytes { bytes in
                try XWingMLKEM768X25519.PrivateKey(seedRepresentation: bytes, publicKey: nil)
            }
            return [UInt8](key.publicKey.rawRepresentation)
        } catch {
            // Only a seed of another length fails, and the precondition above excludes it.
            preconditionFailure("X-Wing key derivation failed: \(error)")
        }
    }
}
