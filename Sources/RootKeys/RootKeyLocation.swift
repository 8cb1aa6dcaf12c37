/// RootKeyLocation is a parsed root key URI (DESIGN.md, Root of trust). The scheme picks the
/// provider; the URI never holds a credential, and one that tries to (user info, a token, a
/// secret, a PIN value) is refused as `.invalidURI` without echoing the value.
public enum RootKeyLocation: Sendable, Hashable, CustomStringConvertible {
    /// `local:PATH`: a 0600 key file.
    case local(path: String)
    /// `vault-transit://HOST:PORT/MOUNT/KEY[?tls=off]`.
    case vaultTransit(VaultTransitLocation)
    /// `aws-kms://KEY_ID_OR_ARN?region=R[&endpoint=URL]`.
    case awsKMS(AWSKMSLocation)
    /// `azure-keyvault://NAME.vault.azure.net/keys/KEY[/VERSION][?endpoint=URL&authority=URL]`.
    case azureKeyVault(AzureKeyVaultLocation)
    /// `pkcs11:token=LABEL;object=LABEL?module-path=PATH&pin-source=file:PATH` (RFC 7512).
    case pkcs11(PKCS11Location)

    /// The provider's name, as the API and `root show` spell it.
    public var provider: String {
        switch self {
        case .local: "local"
        case .vaultTransit: "vault-transit"
        case .awsKMS: "aws-kms"
        case .azureKeyVault: "azure-keyvault"
        case .pkcs11: "pkcs11"
        }
    }

    /// The key's name within its provider.
    public var keyName: String {
        switch self {
        case .local(let path): path
        case .vaultTransit(let location): location.key
        case .awsKMS(let location): location.keyID
        case .azureKeyVault(let location): location.key
        case .pkcs11(let location): location.object
        }
    }

    /// The canonical URI: parsing it gives this location back.
    public var description: String {
        switch self {
        case .local(let path): "local:\(path)"
        case .vaultTransit(let location): location.uri
        case .awsKMS(let location): location.uri
        case .azureKeyVault(let location): location.uri
        case .pkcs11(let location): location.uri
        }
    }

    /// Parses a root key URI.
    public init(parsing text: String) throws(RootKeyError) {
        guard text.utf8.count <= 2048, !text.contains(where: { $0.isWhitespace || $0.isNewline }) else {
            throw RootKeyError(.invalidURI, "a root key URI is one line without spaces, at most 2048 bytes")
        }
        if text.hasPrefix("local:") {
            let path = String(text.dropFirst("local:".count))
            guard !path.isEmpty, !path.contains("?"), !path.contains("#") else {
                throw RootKeyError(.invalidURI, "a local root key is local:PATH, naming its key file")
            }
            self = .local(path: path)
        } else if text.hasPrefix("vault-transit://") {
            self = .vaultTransit(try VaultTransitLocation(parsing: text))
        } else if text.hasPrefix("aws-kms://") {
            self = .awsKMS(try AWSKMSLocation(parsing: text))
        } else if text.hasPrefix("azure-keyvault://") {
            self = .azureKeyVault(try AzureKeyVaultLocation(parsing: text))
        } else if text.hasPrefix("pkcs11:") {
            self = .pkcs11(try PKCS11Location(parsing: text))
        } else {
            let scheme = text.prefix { $0 != ":" }.prefix(32)
            throw RootKeyError(
                .invalidURI,
                "unknown root key scheme \"\(scheme)\": use local:, vault-transit://, aws-kms://, azure-keyvault:// or pkcs11:"
            )
        }
    }
}

/// URIParts splits `scheme://authority/path?query` and checks the query against the names a
/// provider knows; used by the URL-shaped root key URIs.
struct URIParts {
    let authority: String
    let path: [String]
    let query: [String: String]

    init(_ text: String, scheme: String, allowedQuery: Set<String>, shape: String) throws(RootKeyError) {
        let rest = text.dropFirst(scheme.count + 3)
        let (location, queryText) = Self.split(String(rest), at: "?")
        guard !location.contains("#") else { throw RootKeyError(.invalidURI, "\(shape): no fragment allowed") }
        let (authority, pathText) = Self.split(location, at: "/")
        guard !authority.contains("@") else {
            throw RootKeyError(
                .invalidURI, "\(shape): credentials never go in the URI (user info found); see the credentials table")
        }
        guard !authority.isEmpty else { throw RootKeyError(.invalidURI, "\(shape): the host is missing") }
        self.authority = authority
        self.path = (pathText ?? "").split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        var query: [String: String] = [:]
        if let queryText, !queryText.isEmpty {
            for pair in queryText.split(separator: "&", omittingEmptySubsequences: false) {
                let (name, value) = Self.split(String(pair), at: "=")
                guard let decodedName = PercentEncoding.decode(name) else {
                    throw RootKeyError(.invalidURI, "\(shape): malformed percent-encoding in the query")
                }
                guard allowedQuery.contains(decodedName) else {
                    throw RootKeyError(
                        .invalidURI,
                        "\(shape): unknown query parameter \"\(decodedName.prefix(40))\"; credentials never go in the URI"
                    )
                }
                guard query[decodedName] == nil else {
                    throw RootKeyError(.invalidURI, "\(shape): query parameter \(decodedName) is repeated")
                }
                guard let value, let decoded = PercentEncoding.decode(value), !decoded.isEmpty else {
                    throw RootKeyError(.invalidURI, "\(shape): query parameter \(decodedName) needs a value")
                }
                query[decodedName] = decoded
            }
        }
        self.query = query
    }

    static func split(_ text: String, at separator: Character) -> (String, String?) {
        guard let index = text.firstIndex(of: separator) else { return (text, nil) }
        return (String(text[..<index]), String(text[text.index(after: index)...]))
    }

    /// Checks an `http(s)://host[:port][/path]` override (an endpoint or authority).
    static func checkURL(_ value: String, name: String, shape: String) throws(RootKeyError) {
        guard value.hasPrefix("https://") || value.hasPrefix("http://") else {
            throw RootKeyError(.invalidURI, "\(shape): \(name) must be an http:// or https:// URL")
        }
        let host = value.drop { $0 != "/" }.dropFirst(2).prefix { $0 != "/" }
        guard !host.isEmpty, !host.contains("@") else {
            throw RootKeyError(.invalidURI, "\(shape): \(name) must name a host, without user info")
        }
    }
}

/// PercentEncoding decodes RFC 3986 percent-encoding (for RFC 7512 attribute values and query
/// parameters).
public enum PercentEncoding {
    static func decode(_ text: String) -> String? {
        var bytes: [UInt8] = []
        var iterator = Array(text.utf8).makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "%") {
                guard let high = iterator.next().flatMap(hex), let low = iterator.next().flatMap(hex) else {
                    return nil
                }
                bytes.append(high << 4 | low)
            } else {
                bytes.append(byte)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hex(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: byte - 0x30
        case 0x41...0x46: byte - 0x37
        case 0x61...0x66: byte - 0x57
        default: nil
        }
    }

    /// Encodes everything but unreserved characters and `extra` (say `/`, for paths).
    public static func encode(_ text: String, keeping extra: Set<UInt8> = []) -> String {
        var out = ""
        for byte in text.utf8 {
            let unreserved =
                (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
                || [UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~")].contains(byte)
                || extra.contains(byte)
            if unreserved {
                out.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                let digits = Array("0123456789ABCDEF".utf8)
                out += "%" + String(decoding: [digits[Int(byte >> 4)], digits[Int(byte & 15)]], as: UTF8.self)
            }
        }
        return out
    }
}
