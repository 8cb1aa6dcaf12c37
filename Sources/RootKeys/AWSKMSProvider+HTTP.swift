import ActorKeys
import NIOHTTP1

/// The KMS JSON 1.1 protocol as the provider uses it: one signed POST to the endpoint's root with
/// `X-Amz-Target: TrentService.ACTION`, the answers' shapes, and the `__type` of an error mapped
/// to a `RootKeyError` code.
extension AWSKMSProvider {
    struct DescribeKeyResponse: Decodable {
        struct Metadata: Decodable {
            let Arn: String
            let KeyState: String
            let Enabled: Bool?
            let KeyUsage: String
            let KeySpec: String?
            let CustomerMasterKeySpec: String?
        }
        let KeyMetadata: Metadata
    }

    struct EncryptResponse: Decodable { let CiphertextBlob: String }

    /// The decrypt answer's shape; its `Plaintext` is read separately, as a secret.
    struct DecryptResponse: Decodable { let KeyId: String? }

    struct ErrorResponse: Decodable {
        let __type: String?
        let message: String?
        let Message: String?
    }

    static let authTypes: Set<String> = [
        "UnrecognizedClientException", "InvalidSignatureException", "IncompleteSignatureException",
        "MissingAuthenticationTokenException", "ExpiredTokenException", "InvalidClientTokenId",
        "SignatureDoesNotMatch",
    ]
    static let keyTypes: Set<String> = [
        "DisabledException", "InvalidKeyUsageException", "KMSInvalidStateException", "IncorrectKeyException",
        "InvalidCiphertextException", "KeyUnavailableException",
    ]

    /// Sends `TrentService.ACTION` and returns a 200 answer; anything else is thrown, mapped.
    func call(_ action: String, body: [UInt8]) async throws(RootKeyError) -> HTTPReply {
        let (url, host, path) = Self.split(kms.endpointURL)
        let headers = [
            ("Host", host), ("Content-Type", "application/x-amz-json-1.1"), ("X-Amz-Target", "TrentService.\(action)"),
        ]
        let signed = signer.sign(method: "POST", path: path, headers: headers, body: body)
        let reply: HTTPReply
        do {
            reply = try await http.send(.POST, url, headers: headers + signed, body: body)
        } catch {
            throw RootKeyError(error.code, "aws kms \(action) with \(kms.keyID): \(error.message)")
        }
        guard reply.status == 200 else { throw failure(reply, action: action) }
        return reply
    }

    /// The error for an answer that is not a success, from its `__type` (a namespace prefix such
    /// as `com.amazonaws.kms#` dropped) or, as moto sends for IAM failures, an XML `<Code>`.
    func failure(_ reply: HTTPReply, action: String) -> RootKeyError {
        let what = "aws kms \(action) with \(kms.keyID)"
        guard let type = Self.errorType(reply.body) else {
            if reply.status == 429 || reply.status >= 500 {
                return RootKeyError(.networkError, "\(what): AWS KMS is unavailable (HTTP \(reply.status))")
            }
            return RootKeyError(.networkError, "\(what): HTTP \(reply.status) with a malformed response")
        }
        // Authentication failures name only their type: their messages may quote the request.
        if Self.authTypes.contains(type) {
            return RootKeyError(.authFailed, "\(what): AWS refused the credentials (\(type))")
        }
        let said =
            ProviderJSON.decodeError(ErrorResponse.self, from: reply.body)
            .flatMap { $0.message ?? $0.Message }.map(ProviderJSON.said).map { ": \($0)" } ?? ""
        switch type {
        case "AccessDeniedException", "AccessDenied":
            return RootKeyError(.permissionDenied, "\(what): not allowed (\(type))\(said)")
        case "NotFoundException":
            return RootKeyError(.keyNotFound, "\(what): no such key (\(type))\(said)")
        case _ where Self.keyTypes.contains(type):
            return RootKeyError(.unsupportedKey, "\(what): the key refused (\(type))\(said)")
        case _
        where type.contains("Throttl") || type == "KMSInternalException" || type == "DependencyTimeoutException"
            || reply.status >= 500:
            return RootKeyError(.networkError, "\(what): AWS KMS is unavailable (\(type))")
        default:
            return RootKeyError(.networkError, "\(what): unexpected \(type) (HTTP \(reply.status))\(said)")
        }
    }

    /// The error's type: `__type` without its namespace, or the first XML `<Code>`.
    static func errorType(_ body: [UInt8]) -> String? {
        var type: String?
        if let error = ProviderJSON.decodeError(ErrorResponse.self, from: body), let name = error.__type {
            type = String(name.split(separator: "#", omittingEmptySubsequences: false).last ?? "")
        } else {
            let text = String(decoding: body.prefix(4096), as: UTF8.self)
            if let start = text.firstRange(of: "<Code>"),
                let end = text[start.upperBound...].firstRange(of: "</Code>")
            {
                type = String(text[start.upperBound..<end.lowerBound])
            }
        }
        // A type may carry a `:http://…` suffix (seen on UnrecognizedClientException).
        guard let name = type?.split(separator: ":").first.map(String.init), !name.isEmpty, name.count <= 80,
            name.utf8.allSatisfy({
                (0x30...0x39).contains($0) || (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) || $0 == 0x2E
            })
        else { return nil }
        return name
    }

    /// The endpoint as a URL ending in "/", its `host[:port]`, and its path.
    static func split(_ endpoint: String) -> (url: String, host: String, path: String) {
        let schemeEnd = endpoint.firstRange(of: "://")!.upperBound
        let rest = endpoint[schemeEnd...]
        let host = String(rest.prefix { $0 != "/" && $0 != "?" })
        var path = String(rest.dropFirst(host.count).prefix { $0 != "?" })
        if !path.hasSuffix("/") { path += "/" }
        return (String(endpoint[..<schemeEnd]) + host + path, host, path)
    }
}
