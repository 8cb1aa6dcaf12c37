import ActorKeys
import Ledger
import Registry

/// A new installation: where it is, its shared key, and the bootstrap admin's token (shown
/// this once).
public struct InitializationReport: JSONReport {
    public let home: String
    public let database: String
    public let sharedFingerprint: String
    public let sharedRecipient: String
    public let rootKey: String
    public let kekID: String
    public let kekVersion: String
    public let admin: String
    public let tokenID: String
    public let token: String

    public init(_ result: Initialization) {
        home = result.home
        database = result.database
        sharedFingerprint = result.sharedKey.fingerprint.hex
        sharedRecipient = result.sharedKey.recipient.encoded
        rootKey = result.rootKey
        kekID = result.kekID
        kekVersion = result.kekVersion
        admin = result.admin.rawValue
        tokenID = result.token.id
        token = result.token.token
    }

    public static let schema = ReportSchema<Self>(
        "Initialization", "A new installation and its bootstrap admin.",
        [
            .init("home", \.home, "The home folder."),
            .init("database", \.database, "The database URL, without a password."),
            .init("shared_fingerprint", \.sharedFingerprint, "The shared key's fingerprint.", as: .fingerprint),
            .init(
                "shared_recipient", \.sharedRecipient,
                "The shared key's recipient (age1…, or age1pq1… after init --pq)."),
            .init("root_key", \.rootKey, "The root key's URI (it never holds a credential)."),
            .init("kek_id", \.kekID, "The provider's id for the root key."),
            .init("kek_version", \.kekVersion, "The root key version that wrapped the sealing key."),
            .init("admin", \.admin, "The bootstrap admin's actor id.", as: .slug),
            .init("token_id", \.tokenID, "The admin token's id."),
            .init("token", \.token, "The admin's API token: shown this once, stored only hashed."),
        ])
}

/// A new API token: shown this once, stored only as its SHA-256.
public struct CreatedTokenReport: JSONReport {
    public let id: String
    public let actor: String
    public let token: String

    public init(_ token: CreatedToken) {
        id = token.id
        actor = token.actor.rawValue
        self.token = token.token
    }

    public static let schema = ReportSchema<Self>(
        "CreatedToken", "A new bearer token.",
        [
            .init("id", \.id, "The token's id (tok_…), for token revoke."),
            .init("actor", \.actor, "The actor it acts as.", as: .slug),
            .init("token", \.token, "The token (ak_…): shown this once."),
        ])
}

/// An actor's tokens: ids and dates, never the tokens.
public struct TokenListReport: JSONReport {
    public struct Token: JSONReport {
        public let id: String
        public let actor: String
        public let createdAt: String
        public let revokedAt: String?

        public static let schema = ReportSchema<Self>(
            "Token", "A token's id and dates.",
            [
                .init("id", \.id, "The token's id (tok_…)."),
                .init("actor", \.actor, "The actor it acts as.", as: .slug),
                .init("created_at", \.createdAt, "When it was made.", as: .dateTime),
                .init("revoked_at", \.revokedAt, "When it was revoked; null while it works.", as: .nullable(.dateTime)),
            ])
    }

    public let tokens: [Token]

    public init(_ tokens: [APIToken]) {
        self.tokens = tokens.map {
            Token(
                id: $0.id, actor: $0.actor.rawValue, createdAt: $0.createdAt.rfc3339, revokedAt: $0.revokedAt?.rfc3339)
        }
    }

    public static let schema = ReportSchema<Self>(
        "TokenList", "An actor's tokens.",
        [
            .init("tokens", \.tokens, "Oldest first.")
        ])
}
