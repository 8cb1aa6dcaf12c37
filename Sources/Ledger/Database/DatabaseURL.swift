/// DatabaseURL says which backend and where: `postgres://…` / `postgresql://…` for PostgreSQL
/// (any libpq connection URI), `sqlite:PATH` or a plain path for SQLite.
public enum DatabaseURL: Sendable, Hashable, CustomStringConvertible {
    case sqlite(path: String)
    case postgres(uri: String)

    public init(_ text: String) throws(LedgerError) {
        if text.hasPrefix("postgres://") || text.hasPrefix("postgresql://") {
            self = .postgres(uri: text)
        } else if text.hasPrefix("sqlite://") {
            self = .sqlite(path: String(text.dropFirst("sqlite://".count)))
        } else if text.hasPrefix("sqlite:") {
            self = .sqlite(path: String(text.dropFirst("sqlite:".count)))
        } else if !text.contains("://"), !text.isEmpty {
            self = .sqlite(path: text)
        } else {
            throw LedgerError(.connection, "unsupported database URL: use postgres://… or sqlite:PATH")
        }
        if case .sqlite(let path) = self, path.isEmpty {
            throw LedgerError(.connection, "the SQLite database URL names no file")
        }
    }

    /// Where the URL points, without a password.
    public var description: String {
        switch self {
        case .sqlite(let path): return "sqlite:\(path)"
        case .postgres(let uri): return Self.redacting(uri)
        }
    }

    /// Drops the password of a `user:password@host` URI.
    static func redacting(_ uri: String) -> String {
        let parts = uri.split(separator: "://", maxSplits: 1)
        guard parts.count == 2, let at = parts[1].firstIndex(of: "@") else { return uri }
        let credentials = parts[1][..<at]
        guard let colon = credentials.firstIndex(of: ":") else { return uri }
        return parts[0] + "://" + credentials[..<colon] + ":***" + parts[1][at...]
    }
}
