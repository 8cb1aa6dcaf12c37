/// PKCS11Location is an RFC 7512 PKCS#11 URI naming a key in an HSM:
/// `pkcs11:token=LABEL;object=LABEL[;type=secret-key|private]?module-path=PATH[&pin-source=file:PATH]`.
/// The PIN comes from `pin-source` (a file) or `<home>/secrets/pkcs11.pin`; a `pin-value` in the
/// URI is refused.
public struct PKCS11Location: Sendable, Hashable {
    public let token: String
    public let object: String
    /// `secret-key` (AES key wrap with padding) or `private` (RSA-OAEP); nil: whichever exists.
    public let objectType: String?
    public let modulePath: String
    public let pinSource: String?

    static let shape =
        "a PKCS#11 root key is pkcs11:token=LABEL;object=LABEL?module-path=PATH&pin-source=file:PATH (RFC 7512)"

    public init(token: String, object: String, objectType: String? = nil, modulePath: String, pinSource: String?) {
        self.token = token
        self.object = object
        self.objectType = objectType
        self.modulePath = modulePath
        self.pinSource = pinSource
    }

    init(parsing text: String) throws(RootKeyError) {
        let rest = String(text.dropFirst("pkcs11:".count))
        let (pathText, queryText) = URIParts.split(rest, at: "?")
        guard !pathText.contains("#"), !(queryText ?? "").contains("#") else {
            throw RootKeyError(.invalidURI, "\(Self.shape): no fragment allowed")
        }
        let path = try Self.attributes(
            pathText, separator: ";", allowed: ["token", "object", "type", "id", "serial", "manufacturer", "model"])
        let query = try Self.attributes(
            queryText ?? "", separator: "&", allowed: ["module-path", "module-name", "pin-source"])
        guard let token = path["token"], let object = path["object"] else {
            throw RootKeyError(.invalidURI, "\(Self.shape): token and object are required")
        }
        if let type = path["type"], type != "secret-key", type != "private" {
            throw RootKeyError(.invalidURI, "\(Self.shape): type is secret-key or private")
        }
        guard let modulePath = query["module-path"], modulePath.hasPrefix("/") else {
            throw RootKeyError(.invalidURI, "\(Self.shape): module-path, an absolute path, is required")
        }
        if let source = query["pin-source"] {
            guard source.hasPrefix("file:") || source.hasPrefix("/"), source.count > 5 else {
                throw RootKeyError(.invalidURI, "\(Self.shape): pin-source is file:PATH")
            }
        }
        self.token = token
        self.object = object
        self.objectType = path["type"]
        self.modulePath = modulePath
        self.pinSource = query["pin-source"]
    }

    /// The PIN file named by `pin-source`, if any.
    public var pinFile: String? {
        guard let pinSource else { return nil }
        return pinSource.hasPrefix("file:") ? String(pinSource.dropFirst(5)) : pinSource
    }

    var uri: String {
        let keep: Set<UInt8> = [UInt8(ascii: "/")]
        var text = "pkcs11:token=\(PercentEncoding.encode(token));object=\(PercentEncoding.encode(object))"
        if let objectType { text += ";type=\(objectType)" }
        text += "?module-path=\(PercentEncoding.encode(modulePath, keeping: keep))"
        if let pinSource { text += "&pin-source=\(PercentEncoding.encode(pinSource, keeping: keep.union([0x3A])))" }
        return text
    }

    static func attributes(
        _ text: String, separator: Character, allowed: Set<String>
    ) throws(RootKeyError) -> [String: String] {
        var result: [String: String] = [:]
        guard !text.isEmpty else { return result }
        for item in text.split(separator: separator, omittingEmptySubsequences: false) {
            let (name, value) = URIParts.split(String(item), at: "=")
            if name == "pin-value" {
                throw RootKeyError(.invalidURI, "\(shape): a PIN never goes in the URI; use pin-source=file:PATH")
            }
            guard allowed.contains(name) else {
                throw RootKeyError(.invalidURI, "\(shape): unknown attribute \"\(name.prefix(40))\"")
            }
            guard result[name] == nil else { throw RootKeyError(.invalidURI, "\(shape): \(name) is repeated") }
            guard let value, let decoded = PercentEncoding.decode(value), !decoded.isEmpty else {
                throw RootKeyError(.invalidURI, "\(shape): \(name) needs a value (percent-encoded)")
            }
            result[name] = decoded
        }
        return result
    }
}
