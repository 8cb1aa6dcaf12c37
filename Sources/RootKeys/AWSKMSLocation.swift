/// AWSKMSLocation is `aws-kms://KEY_ID_OR_ARN?region=R[&endpoint=URL]`: a symmetric AWS KMS
/// key, by id, alias (`alias/NAME`) or ARN. The region comes from the query, or from the ARN.
public struct AWSKMSLocation: Sendable, Hashable {
    public let keyID: String
    public let region: String
    /// An endpoint override (a VPC endpoint, or a local test server); nil: the public one.
    public let endpoint: String?

    static let shape = "an AWS KMS root key is aws-kms://KEY_ID_OR_ARN?region=R[&endpoint=URL]"

    public init(keyID: String, region: String, endpoint: String? = nil) {
        self.keyID = keyID
        self.region = region
        self.endpoint = endpoint
    }

    init(parsing text: String) throws(RootKeyError) {
        let rest = String(text.dropFirst("aws-kms://".count))
        let (keyText, _) = URIParts.split(rest, at: "?")
        guard let keyID = PercentEncoding.decode(keyText), Self.isKeyID(keyID) else {
            throw RootKeyError(.invalidURI, "\(Self.shape): the key is an id, alias/NAME or an ARN")
        }
        // The key may contain "/" and ":" (aliases, ARNs), so the query is read after it.
        let parts = try URIParts(
            "aws-kms://host" + (rest.firstIndex(of: "?").map { String(rest[$0...]) } ?? ""), scheme: "aws-kms",
            allowedQuery: ["region", "endpoint"], shape: Self.shape)
        let arnRegion = keyID.hasPrefix("arn:") ? keyID.split(separator: ":", omittingEmptySubsequences: false)[3] : ""
        guard let region = parts.query["region"] ?? (arnRegion.isEmpty ? nil : String(arnRegion)) else {
            throw RootKeyError(.invalidURI, "\(Self.shape): the region is missing")
        }
        guard Self.isRegion(region) else { throw RootKeyError(.invalidURI, "\(Self.shape): invalid region") }
        if let endpoint = parts.query["endpoint"] {
            try URIParts.checkURL(endpoint, name: "endpoint", shape: Self.shape)
        }
        self.keyID = keyID
        self.region = region
        self.endpoint = parts.query["endpoint"]
    }

    /// The KMS endpoint: the override, else `https://kms.REGION.amazonaws.com`.
    public var endpointURL: String { endpoint ?? "https://kms.\(region).amazonaws.com" }

    var uri: String {
        var text = "aws-kms://\(keyID)?region=\(region)"
        if let endpoint { text += "&endpoint=" + PercentEncoding.encode(endpoint) }
        return text
    }

    static func isKeyID(_ text: String) -> Bool {
        guard !text.isEmpty, text.utf8.count <= 2048 else { return false }
        if text.hasPrefix("arn:") {
            let fields = text.split(separator: ":", omittingEmptySubsequences: false)
            return fields.count >= 6 && fields[2] == "kms" && !fields[3].isEmpty
                && (fields[5].hasPrefix("key/") || fields[5].hasPrefix("alias/"))
        }
        return text.utf8.allSatisfy { byte in
            (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
                || [UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "/")].contains(byte)
        }
    }

    static func isRegion(_ text: String) -> Bool {
        (2...32).contains(text.count)
            && text.utf8.allSatisfy { (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x2D }
    }
}
