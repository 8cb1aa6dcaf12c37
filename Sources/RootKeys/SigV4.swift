import ActorKeys
import Envelope

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// SigV4 signs an AWS API request with Signature Version 4, as the IAM user guide's "Create a
/// signed AWS API request" describes it: a canonical request (method, URI, sorted query, sorted
/// lowercase headers, signed header names, payload hash), a string to sign (algorithm, time,
/// credential scope, hash of the canonical request), a signing key derived from the secret key
/// through the date, region and service, and the `Authorization` header that carries the result.
/// The secret access key stays in `SecretBytes`; only the derived, date-scoped key is an array.
public struct SigV4: Sendable {
    static let algorithm = "AWS4-HMAC-SHA256"
    static let terminator = "aws4_request"

    public let accessKeyID: String
    let secretAccessKey: SecretBytes
    let sessionToken: SecretBytes?
    public let region: String
    public let service: String

    public init(
        accessKeyID: String, secretAccessKey: SecretBytes, sessionToken: SecretBytes? = nil, region: String,
        service: String
    ) {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
        self.region = region
        self.service = service
    }

    /// The headers to add to a request: `x-amz-date`, `x-amz-security-token` with a session
    /// token, `x-amz-content-sha256` when asked (S3 wants it; KMS does not), and
    /// `Authorization`. `headers` are the request's own, `host` among them; all are signed.
    /// `path` is the URI path as sent (already percent-encoded); `query` is decoded pairs.
    public func sign(
        method: String, path: String, query: [(String, String)] = [], headers: [(String, String)], body: [UInt8],
        amzDate: String = SigV4.amzDate(), contentSHA256: Bool = false
    ) -> [(String, String)] {
        let payloadHash = Hex.encode(SHA256.hash(body))
        var added = [("x-amz-date", amzDate)]
        if let sessionToken { added.append(("x-amz-security-token", sessionToken.utf8String)) }
        if contentSHA256 { added.append(("x-amz-content-sha256", payloadHash)) }
        let (canonical, signedHeaders) = Self.canonicalRequest(
            method: method, path: path, query: query, headers: headers + added, payloadHash: payloadHash)
        let signature = self.signature(canonicalRequest: canonical, amzDate: amzDate)
        let scope = credentialScope(date: String(amzDate.prefix(8)))
        let authorization =
            "\(Self.algorithm) Credential=\(accessKeyID)/\(scope), SignedHeaders=\(signedHeaders), Signature=\(signature)"
        return added + [("Authorization", authorization)]
    }

    /// The hex signature of a canonical request made at `amzDate` (`YYYYMMDD'T'HHMMSS'Z'`).
    public func signature(canonicalRequest: String, amzDate: String) -> String {
        let date = String(amzDate.prefix(8))
        let stringToSign = Self.stringToSign(
            amzDate: amzDate, scope: credentialScope(date: date), canonicalRequest: canonicalRequest)
        let key = Self.signingKey(secret: secretAccessKey, date: date, region: region, service: service)
        return Hex.encode(HMAC.sha256(key: key, message: Array(stringToSign.utf8)))
    }

    /// `DATE/REGION/SERVICE/aws4_request`.
    public func credentialScope(date: String) -> String { "\(date)/\(region)/\(service)/\(Self.terminator)" }

    /// The canonical request and its signed-header list. Header names are lowercased, values
    /// trimmed with inner runs of spaces made one, repeated names joined with commas; headers and
    /// query pairs are sorted by their encoded bytes.
    public static func canonicalRequest(
        method: String, path: String, query: [(String, String)], headers: [(String, String)], payloadHash: String
    ) -> (request: String, signedHeaders: String) {
        var merged: [String: [String]] = [:]
        for (name, value) in headers { merged[name.lowercased(), default: []].append(trimmed(value)) }
        let names = merged.keys.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        let canonicalHeaders = names.map { "\($0):\(merged[$0]!.joined(separator: ","))\n" }.joined()
        let signedHeaders = names.joined(separator: ";")
        let canonicalQuery = query.map { (uriEncode($0.0), uriEncode($0.1)) }
            .sorted { ($0.0, $0.1) < ($1.0, $1.1) }
            .map { "\($0.0)=\($0.1)" }.joined(separator: "&")
        let request = [
            method.uppercased(), path.isEmpty ? "/" : path, canonicalQuery, canonicalHeaders, signedHeaders,
            payloadHash,
        ].joined(separator: "\n")
        return (request, signedHeaders)
    }

    /// `AWS4-HMAC-SHA256 \n TIME \n SCOPE \n hex(SHA256(canonical request))`.
    public static func stringToSign(amzDate: String, scope: String, canonicalRequest: String) -> String {
        [algorithm, amzDate, scope, Hex.encode(SHA256.hash(canonicalRequest))].joined(separator: "\n")
    }

    /// kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request").
    public static func signingKey(secret: SecretBytes, date: String, region: String, service: String) -> [UInt8] {
        var prefixed = Array("AWS4".utf8)
        prefixed.reserveCapacity(4 + secret.count)
        secret.withUnsafeBytes { prefixed.append(contentsOf: $0) }
        defer { SecretJSON.zero(&prefixed) }
        let dateKey = HMAC.sha256(key: prefixed, message: Array(date.utf8))
        let regionKey = HMAC.sha256(key: dateKey, message: Array(region.utf8))
        let serviceKey = HMAC.sha256(key: regionKey, message: Array(service.utf8))
        return HMAC.sha256(key: serviceKey, message: Array(terminator.utf8))
    }

    /// AWS's UriEncode: every byte but the unreserved characters is percent-encoded, in capitals.
    public static func uriEncode(_ text: String) -> String { PercentEncoding.encode(text) }

    /// The current UTC time as `YYYYMMDD'T'HHMMSS'Z'`.
    public static func amzDate() -> String {
        var now = time(nil)
        var parts = tm()
        gmtime_r(&now, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(parts.tm_year + 1900)\(two(parts.tm_mon + 1))\(two(parts.tm_mday))T"
            + "\(two(parts.tm_hour))\(two(parts.tm_min))\(two(parts.tm_sec))Z"
    }

    private static func trimmed(_ value: String) -> String {
        var out = ""
        var pendingSpace = false
        for character in value {
            if character == " " || character == "\t" {
                pendingSpace = !out.isEmpty
            } else {
                if pendingSpace { out.append(" ") }
                pendingSpace = false
                out.append(character)
            }
        }
        return out
    }
}
