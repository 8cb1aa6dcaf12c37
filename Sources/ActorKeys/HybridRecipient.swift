internal import Crypto

/// HybridRecipient is the public half of an age MLKEM768-X25519 key, encoded `age1pq1…`
/// (Bech32, HRP `age1pq`, 1,959 characters): the 1,184-byte ML-KEM-768 encapsulation key
/// followed by the 32-byte X25519 public key.
///
/// A file encrypted to it resists a future quantum computer only if no classic recipient
/// wraps the same file key, so `Age.encrypt` refuses to mix the two.
public struct HybridRecipient: Sendable, Hashable, CustomStringConvertible {
    static let hrp = "age1pq"
    /// The length of the X-Wing public key.
    public static let publicKeyLength = 1216
    static let mlkemKeyLength = 1184

    /// The X-Wing public key.
    public let publicKey: [UInt8]
    /// The Bech32 encoding, lowercase, as age-keygen -pq prints it.
    public let encoded: String
    /// The first 16 lowercase hex characters of SHA-256 over the `age1pq1…` string: computed
    /// once, as hashing 1,959 characters on every use showed in the registry's cold miss.
    public let fingerprint: Fingerprint

    /// Parses an `age1pq1…` recipient. Uppercase and mixed-case strings are rejected, and so is
    /// an ML-KEM-768 encapsulation key out of range (FIPS 203's modulus check, as age's parser
    /// does). A low-order X25519 half shows only when a file key is wrapped to it, before
    /// anything is written.
    public init(parsing text: String) throws(ActorKeysError) {
        try self.init(parsingRecorded: text)
        guard (try? MLKEM768.PublicKey(rawRepresentation: publicKey.prefix(Self.mlkemKeyLength))) != nil else {
            throw ActorKeysError(
                .malformedRecipient, "malformed recipient \(Slug.quoted(text)): invalid ML-KEM-768 key")
        }
    }

    /// Parses a recipient recorded by the key store, which was validated when it was made.
    package init(parsingRecorded text: String) throws(ActorKeysError) {
        self.init(
            publicKey: try KeyEncoding.decodeRecipient(
                text, hrp: Self.hrp, length: Self.publicKeyLength, type: "MLKEM768-X25519"))
    }

    /// Wraps a 1,216-byte X-Wing public key.
    public init(publicKey: [UInt8]) {
        precondition(publicKey.count == Self.publicKeyLength, "an MLKEM768-X25519 public key is 1216 bytes")
        self.publicKey = publicKey
        self.encoded = KeyEncoding.encodeRecipient(publicKey, hrp: Self.hrp)
        self.fingerprint = Fingerprint(ofEncodedRecipient: encoded)
    }

    public var description: String { encoded }

    public static func == (lhs: HybridRecipient, rhs: HybridRecipient) -> Bool { lhs.publicKey == rhs.publicKey }
    public func hash(into hasher: inout Hasher) { hasher.combine(publicKey) }
}
