import ActorKeys
import Envelope
import NIOHTTP1

/// AWSKMSProvider wraps the sealing key with a symmetric AWS KMS key
/// (`aws-kms://KEY_ID_OR_ARN?region=R[&endpoint=URL]`): KMS `Encrypt` and `Decrypt` over the JSON
/// 1.1 protocol, signed with SigV4, the context bound as the `EncryptionContext`. The wrapped form
/// is KMS's ciphertext blob, exactly as returned.
///
/// The version is always "1": KMS rotates a key's material behind the one key id and keeps every
/// earlier material for decryption, and the blob says which it used, so there is no version for a
/// caller to track; `rewrap` (decrypt then encrypt) moves a wrapped key to the newest material.
///
/// Credentials: `AWS_ACCESS_KEY_ID` (or `<home>/secrets/aws-kms.access_key_id`),
/// `AWS_SECRET_ACCESS_KEY` (or `aws-kms.secret_access_key`) and, for temporary credentials,
/// `AWS_SESSION_TOKEN` (or `aws-kms.session_token`).
public struct AWSKMSProvider: RootKeyProvider {
    public let kms: AWSKMSLocation
    let signer: SigV4
    let http: ProviderHTTP

    public var location: RootKeyLocation { .awsKMS(kms) }

    public init(
        _ location: AWSKMSLocation, credentials: ProviderCredentials, http: ProviderHTTP = ProviderHTTP()
    ) throws(RootKeyError) {
        func missing(_ what: String, _ variable: String, _ file: String) -> RootKeyError {
            RootKeyError(.authFailed, "no AWS \(what): set \(variable) or write \(Self.file(credentials, file))")
        }
        guard let accessKeyID = credentials.value("AWS_ACCESS_KEY_ID", file: "aws-kms.access_key_id") else {
            throw missing("access key id", "AWS_ACCESS_KEY_ID", "aws-kms.access_key_id")
        }
        guard let secret = try credentials.secret("AWS_SECRET_ACCESS_KEY", file: "aws-kms.secret_access_key"),
            secret.count > 0
        else { throw missing("secret access key", "AWS_SECRET_ACCESS_KEY", "aws-kms.secret_access_key") }
        let sessionToken = try credentials.secret("AWS_SESSION_TOKEN", file: "aws-kms.session_token")
        guard accessKeyID.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "/") }) else {
            throw RootKeyError(.authFailed, "the AWS access key id is malformed")
        }
        self.kms = location
        self.http = http
        self.signer = SigV4(
            accessKeyID: accessKeyID, secretAccessKey: secret, sessionToken: sessionToken, region: location.region,
            service: "kms")
    }

    /// `DescribeKey`: the key must be enabled, for ENCRYPT_DECRYPT, of spec SYMMETRIC_DEFAULT.
    public func describe() async throws(RootKeyError) -> RootKeyFacts {
        let body = "{\"KeyId\":\(ProviderJSON.quoted(kms.keyID))}"
        let reply = try await call("DescribeKey", body: Array(body.utf8))
        let key = try ProviderJSON.decode(DescribeKeyResponse.self, from: reply.body, provider: "AWS KMS").KeyMetadata
        guard key.KeyState == "Enabled", key.Enabled ?? true else {
            throw RootKeyError(
                .unsupportedKey, "the AWS KMS key \(key.Arn) is \(ProviderJSON.said(key.KeyState)), not Enabled")
        }
        guard key.KeyUsage == "ENCRYPT_DECRYPT" else {
            throw RootKeyError(.unsupportedKey, "the AWS KMS key \(key.Arn) is not for ENCRYPT_DECRYPT")
        }
        let spec = key.KeySpec ?? key.CustomerMasterKeySpec ?? ""
        guard spec == "SYMMETRIC_DEFAULT" else {
            throw RootKeyError(
                .unsupportedKey, "the AWS KMS key \(key.Arn) is \(ProviderJSON.said(spec)), not SYMMETRIC_DEFAULT")
        }
        return RootKeyFacts(kekID: key.Arn, kekVersion: "1")
    }

    public func wrap(_ key: SecretBytes, context: WrapContext) async throws(RootKeyError) -> WrappedRootKey {
        var body = SecretJSON()
        defer { SecretJSON.zero(&body.bytes) }
        body.append("{\"KeyId\":\(ProviderJSON.quoted(kms.keyID)),\"EncryptionContext\":\(Self.context(context)),")
        body.append("\"Plaintext\":\"")
        body.append(secret: Base64.encode(secret: key))
        body.append("\"}")
        let reply = try await call("Encrypt", body: body.bytes)
        let blob = try ProviderJSON.decode(EncryptResponse.self, from: reply.body, provider: "AWS KMS").CiphertextBlob
        guard let ciphertext = Base64.decode(blob), !ciphertext.isEmpty else {
            throw RootKeyError(.networkError, "AWS KMS Encrypt answered without a base64 CiphertextBlob")
        }
        return WrappedRootKey(ciphertext: ciphertext, kekVersion: "1")
    }

    public func unwrap(_ wrapped: WrappedRootKey, context: WrapContext) async throws(RootKeyError) -> SecretBytes {
        guard wrapped.kekVersion == "1", !wrapped.ciphertext.isEmpty else {
            throw RootKeyError(.unsupportedKey, "the wrapped key is not an AWS KMS ciphertext blob")
        }
        let body =
            "{\"KeyId\":\(ProviderJSON.quoted(kms.keyID)),\"EncryptionContext\":\(Self.context(context)),"
            + "\"CiphertextBlob\":\"\(Base64.encode(wrapped.ciphertext))\"}"
        let reply = try await call("Decrypt", body: Array(body.utf8))
        _ = try ProviderJSON.decode(DecryptResponse.self, from: reply.body, provider: "AWS KMS")
        let key = ProviderJSON.secretString("Plaintext", in: reply.body).flatMap { encoded in
            encoded.withUnsafeBytes { Base64.decodeSecret($0) }
        }
        guard let key else { throw RootKeyError(.networkError, "AWS KMS Decrypt answered without a base64 Plaintext") }
        return key
    }

    /// The context as a KMS `EncryptionContext` object.
    static func context(_ context: WrapContext) -> String {
        "{" + context.pairs.map { "\(ProviderJSON.quoted($0.0)):\(ProviderJSON.quoted($0.1))" }.joined(separator: ",")
            + "}"
    }

    static func file(_ credentials: ProviderCredentials, _ name: String) -> String {
        credentials.secretsDirectory.map { FilePath.join($0, name) } ?? "<home>/secrets/\(name)"
    }
}
