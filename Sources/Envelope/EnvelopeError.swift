import ActorKeys

/// EnvelopeError is the one error type of the Envelope module.
///
/// The codes keep apart the failure classes of age's test vectors, so a caller (and a test) can
/// tell a broken header from a wrong key from a tampered payload. Messages are lowercase, say
/// which layer failed, and never contain key material.
public typealias EnvelopeError = CodedError<EnvelopeErrorCode>

/// EnvelopeErrorCode is the failure class of `EnvelopeError`.
public enum EnvelopeErrorCode: String, Sendable, Hashable {
    /// The age header is malformed: version line, stanza syntax, base64, a stanza of a known
    /// type that breaks its rules (including a low-order X25519 share), or scrypt not alone.
    case malformedHeader = "malformed_header"
    /// The header is well formed but no identity could unwrap the file key.
    case noIdentityMatched = "no_identity_matched"
    /// The file key was unwrapped but the header MAC does not verify.
    case badHeaderMAC = "bad_header_mac"
    /// The payload is truncated, has trailing data, or a chunk fails to authenticate.
    case malformedPayload = "malformed_payload"
    /// The ASCII armor is malformed.
    case malformedArmor = "malformed_armor"
    /// A record envelope is truncated, of an unknown version, or fails to authenticate
    /// (wrong data key, wrong context, or altered bytes).
    case malformedRecord = "malformed_record"
    /// The arguments of an operation are invalid (no recipients, scrypt mixed with others…).
    case invalidArgument = "invalid_argument"
    /// Reading the input or writing the output failed.
    case io
}
