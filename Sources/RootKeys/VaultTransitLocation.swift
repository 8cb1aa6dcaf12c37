/// VaultTransitLocation is `vault-transit://HOST:PORT/MOUNT/KEY[?tls=off]`: a Transit key of
/// HashiCorp Vault or OpenBao. MOUNT may have several segments (`team/transit`); KEY is the last.
public struct VaultTransitLocation: Sendable, Hashable {
    public let host: String
    public let port: Int
    public let mount: String
    public let key: String
    /// False with `?tls=off` (a dev server on loopback): plain HTTP.
    public let tls: Bool

    static let shape = "a Vault Transit root key is vault-transit://HOST:PORT/MOUNT/KEY[?tls=off]"

    public init(host: String, port: Int = 8200, mount: String, key: String, tls: Bool = true) {
        self.host = host
        self.port = port
        self.mount = mount
        self.key = key
        self.tls = tls
    }

    init(parsing text: String) throws(RootKeyError) {
        let parts = try URIParts(text, scheme: "vault-transit", allowedQuery: ["tls"], shape: Self.shape)
        // A bracketed IPv6 host holds colons of its own: the port follows "]:".
        let (host, portText): (String, String?)
        if parts.authority.hasPrefix("["), let close = parts.authority.firstIndex(of: "]") {
            host = String(parts.authority[...close])
            let rest = parts.authority[parts.authority.index(after: close)...]
            guard rest.isEmpty || rest.hasPrefix(":") else {
                throw RootKeyError(.invalidURI, "\(Self.shape): invalid host")
            }
            portText = rest.isEmpty ? nil : String(rest.dropFirst())
        } else {
            (host, portText) = URIParts.split(parts.authority, at: ":")
        }
        guard HostName.isValid(host) else { throw RootKeyError(.invalidURI, "\(Self.shape): invalid host") }
        let port = portText.map { Int($0) } ?? 8200
        guard let port, (1...65535).contains(port) else {
            throw RootKeyError(.invalidURI, "\(Self.shape): the port is a number from 1 to 65535")
        }
        let segments = parts.path
        guard segments.count >= 2, segments.allSatisfy(Self.isSegment) else {
            throw RootKeyError(.invalidURI, "\(Self.shape): the path is MOUNT/KEY")
        }
        switch parts.query["tls"] {
        case nil, "on": tls = true
        case "off": tls = false
        default: throw RootKeyError(.invalidURI, "\(Self.shape): tls is on or off")
        }
        self.host = host
        self.port = port
        self.mount = segments.dropLast().joined(separator: "/")
        self.key = segments.last!
    }

    /// The Vault API address: `http(s)://HOST:PORT`.
    public var address: String { "\(tls ? "https" : "http")://\(HostName.bracketed(host)):\(port)" }

    var uri: String { "vault-transit://\(HostName.bracketed(host)):\(port)/\(mount)/\(key)\(tls ? "" : "?tls=off")" }

    static func isSegment(_ segment: String) -> Bool {
        !segment.isEmpty && segment.count <= 128
            && segment.utf8.allSatisfy { byte in
                (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
                    || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".")
            } && segment != "." && segment != ".."
    }
}

/// HostName checks a DNS name, an IPv4 address or a bracketed IPv6 address.
enum HostName {
    static func isValid(_ host: String) -> Bool {
        if host.hasPrefix("[") {
            guard host.hasSuffix("]"), host.count > 2 else { return false }
            return host.dropFirst().dropLast().utf8.allSatisfy { byte in
                (0x30...0x39).contains(byte) || (0x61...0x66).contains(byte) || (0x41...0x46).contains(byte)
                    || byte == UInt8(ascii: ":") || byte == UInt8(ascii: ".")
            }
        }
        guard !host.isEmpty, host.utf8.count <= 253 else { return false }
        return host.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { label in
            !label.isEmpty && label.count <= 63 && label.first != "-" && label.last != "-"
                && label.utf8.allSatisfy { byte in
                    (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
                        || byte == UInt8(ascii: "-")
                }
        }
    }

    static func bracketed(_ host: String) -> String { host }
}
