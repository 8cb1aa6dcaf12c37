/// AzureKeyVaultLocation is
/// `azure-keyvault://NAME.vault.azure.net/keys/KEY[/VERSION][?endpoint=URL&authority=URL]`: an RSA
/// key in Azure Key Vault. Without VERSION the key's current version wraps; `endpoint` and
/// `authority` override the vault's and Microsoft Entra ID's addresses (tests, sovereign clouds).
public struct AzureKeyVaultLocation: Sendable, Hashable {
    public let vaultName: String
    public let key: String
    public let version: String?
    public let endpoint: String?
    public let authority: String?

    static let shape =
        "an Azure Key Vault root key is azure-keyvault://NAME.vault.azure.net/keys/KEY[/VERSION][?endpoint=URL&authority=URL]"

    public init(
        vaultName: String, key: String, version: String? = nil, endpoint: String? = nil, authority: String? = nil
    ) {
        self.vaultName = vaultName
        self.key = key
        self.version = version
        self.endpoint = endpoint
        self.authority = authority
    }

    init(parsing text: String) throws(RootKeyError) {
        let parts = try URIParts(
            text, scheme: "azure-keyvault", allowedQuery: ["endpoint", "authority"], shape: Self.shape)
        guard let name = Self.vaultName(ofHost: parts.authority) else {
            throw RootKeyError(
                .invalidURI, "the vault must be NAME.vault.azure.net, NAME 3 to 24 letters, digits and hyphens")
        }
        let path = parts.path
        guard (2...3).contains(path.count), path[0] == "keys", Self.isKeyName(path[1]) else {
            throw RootKeyError(.invalidURI, "\(Self.shape): the path is /keys/KEY[/VERSION]")
        }
        if path.count == 3 {
            guard Self.isVersion(path[2]) else {
                throw RootKeyError(.invalidURI, "\(Self.shape): a key version is 32 hex characters")
            }
        }
        for name in ["endpoint", "authority"] {
            if let value = parts.query[name] { try URIParts.checkURL(value, name: name, shape: Self.shape) }
        }
        vaultName = name
        key = path[1]
        version = path.count == 3 ? path[2] : nil
        endpoint = parts.query["endpoint"]
        authority = parts.query["authority"]
    }

    /// The vault's address (`https://NAME.vault.azure.net`, or the endpoint override).
    public var vaultURL: String { endpoint ?? "https://\(vaultName).vault.azure.net" }
    /// Microsoft Entra ID's address (or the override).
    public var authorityURL: String { authority ?? "https://login.microsoftonline.com" }

    var uri: String {
        var text = "azure-keyvault://\(vaultName).vault.azure.net/keys/\(key)"
        if let version { text += "/\(version)" }
        var query: [String] = []
        if let endpoint { query.append("endpoint=" + PercentEncoding.encode(endpoint)) }
        if let authority { query.append("authority=" + PercentEncoding.encode(authority)) }
        return query.isEmpty ? text : text + "?" + query.joined(separator: "&")
    }

    /// NAME of `NAME.vault.azure.net`: 3–24 characters, letters, digits and hyphens, starting
    /// with a letter, not ending with a hyphen, no two hyphens in a row (Azure's naming rules).
    public static func vaultName(ofHost host: String) -> String? {
        let suffix = ".vault.azure.net"
        guard host.lowercased() == host, host.hasSuffix(suffix) else { return nil }
        let name = String(host.dropLast(suffix.count))
        guard (3...24).contains(name.count), let first = name.utf8.first, (0x61...0x7A).contains(first),
            name.last != "-", !name.contains("--"),
            name.utf8.allSatisfy({ (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x2D })
        else { return nil }
        return name
    }

    static func isKeyName(_ text: String) -> Bool {
        (1...127).contains(text.count)
            && text.utf8.allSatisfy {
                (0x30...0x39).contains($0) || (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) || $0 == 0x2D
            }
    }

    static func isVersion(_ text: String) -> Bool {
        text.count == 32 && text.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }
}
