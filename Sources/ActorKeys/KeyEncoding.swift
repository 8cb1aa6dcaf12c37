/// KeyEncoding is the Bech32 form of age's keys, shared by every key type: a secret key in
/// uppercase with its type's HRP, a recipient in lowercase with its own. Errors name the key
/// type and the reason, never the key.
enum KeyEncoding {
    /// Decodes a secret key of `type` (its HRP and length) into zeroing storage.
    static func decodeSecret(
        _ text: UnsafeRawBufferPointer, hrp: String, length: Int, type: String
    ) throws(ActorKeysError) -> SecretBytes {
        var decoded: (hrp: String, data: [UInt8])
        do {
            decoded = try Bech32.decode(text)
        } catch {
            throw ActorKeysError(
                .malformedIdentity,
                "malformed secret key: \(error.message.replacingPrefix("malformed bech32 string: "))")
        }
        defer { zeroize(&decoded.data) }
        guard decoded.hrp == hrp else {
            throw ActorKeysError(.malformedIdentity, "malformed secret key: not an age \(type) identity")
        }
        guard decoded.data.count == length else {
            throw ActorKeysError(.malformedIdentity, "malformed secret key: wrong key length")
        }
        return decoded.data.withUnsafeBytes { SecretBytes(copying: $0) }
    }

    /// The uppercase Bech32 of `secret` under `hrp`, as ASCII in zeroing storage.
    static func encodeSecret(_ secret: SecretBytes, hrp: String) -> SecretBytes {
        var ascii = secret.withUnsafeBytes { Bech32.encode(hrp: hrp, data: $0, uppercase: true) }
        defer { zeroize(&ascii) }
        return ascii.withUnsafeBytes { SecretBytes(copying: $0) }
    }

    /// Decodes a recipient of `type` (its HRP and length). Uppercase and mixed case are refused.
    static func decodeRecipient(
        _ text: String, hrp: String, length: Int, type: String
    ) throws(ActorKeysError) -> [UInt8] {
        let decoded: (hrp: String, data: [UInt8])
        do {
            decoded = try text.withUTF8Buffer { utf8 throws(ActorKeysError) in try Bech32.decode(utf8) }
        } catch {
            throw ActorKeysError(.malformedRecipient, "malformed recipient \(Slug.quoted(text)): \(error.message)")
        }
        guard decoded.hrp == hrp else {
            throw ActorKeysError(
                .malformedRecipient, "malformed recipient \(Slug.quoted(text)): not an age \(type) recipient")
        }
        guard decoded.data.count == length else {
            throw ActorKeysError(.malformedRecipient, "malformed recipient \(Slug.quoted(text)): wrong key length")
        }
        return decoded.data
    }

    /// The lowercase Bech32 of a public key under `hrp`.
    static func encodeRecipient(_ publicKey: [UInt8], hrp: String) -> String {
        let ascii = publicKey.withUnsafeBytes { Bech32.encode(hrp: hrp, data: $0, uppercase: false) }
        return String(decoding: ascii, as: UTF8.self)
    }
}
