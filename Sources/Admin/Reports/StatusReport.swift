import ActorKeys
import Ledger
import Registry

/// `status`: per owner, key versions and states, data keys by state, rows by protection.
public struct StatusReport: JSONReport {
    public let owners: [OwnerStatusReport]
    public let plaintextRows: Int
    public let encryptedRows: Int
    public let postQuantumRows: Int
    public let sharedRowsAwaitingMigration: Int
    public let root: RootReport
    public let providerFacts: ProviderFactsReport?
    public let scopes: [ScopeReport]

    public init(_ status: WorkspaceStatus) {
        owners = status.owners.map(OwnerStatusReport.init)
        plaintextRows = status.plaintextRows
        encryptedRows = status.encryptedRows
        postQuantumRows = status.postQuantumRows
        sharedRowsAwaitingMigration = status.sharedRowsAwaitingMigration
        root = RootReport(status.root)
        providerFacts = status.providerFacts.map { ProviderFactsReport($0, wrappingVersion: status.root.kekVersion) }
        scopes = status.scopes.map(ScopeReport.init)
    }

    public static let schema = ReportSchema<Self>(
        "Status",
        "Per owner: key versions, data keys, and rows by protection state; the root key; each scope's last run. An infra admin without is_admin sees no owners.",
        [
            .init("owners", \.owners, "The shared key first, then every actor that has or had a key."),
            .init("plaintext_rows", \.plaintextRows, "Rows stored in plaintext.", as: .count),
            .init(
                "encrypted_rows", \.encryptedRows,
                "Encrypted rows that can still be read (shredded rows left out), under every owner's keys.", as: .count),
            .init(
                "post_quantum_rows", \.postQuantumRows,
                "Encrypted rows safe from harvest now, decrypt later: their data key was minted under and is wrapped to post-quantum (mlkem768x25519) keys only. The workspace's post-quantum share is post_quantum_rows / encrypted_rows.",
                as: .count),
            .init(
                "shared_rows_awaiting_migration", \.sharedRowsAwaitingMigration,
                "Shared-key rows whose writer now has its own key: ledger migrate moves them.", as: .count),
            .init("root", \.root, "The root key and this process's cached sealing keys."),
            .init(
                "provider_facts", \.providerFacts,
                "What the provider last said of the root key (cached five minutes; ?fresh=true asks again)."),
            .init("scopes", \.scopes, "Each owner's last rewrap or reseal run."),
        ])
}

/// One owner's part of `status`.
public struct OwnerStatusReport: JSONReport {
    public let actor: String?
    public let shredded: Bool
    public let versions: [KeyVersionReport]
    public let dataKeys: [String: Int]
    public let rows: Int
    public let rowsUnderActiveVersion: Int
    public let rowsOnOlderVersionsOnly: Int
    public let rowsUnreadable: Int
    public let rowsPostQuantum: Int
    public let keyType: String?
    public let activeIdentityAvailable: Bool?

    public init(_ owner: OwnerStatus) {
        actor = owner.owner.actor?.rawValue
        shredded = owner.shredded
        versions = owner.versions.map(KeyVersionReport.init)
        dataKeys = Dictionary(uniqueKeysWithValues: owner.dataKeys.map { ($0.key.rawValue, $0.value) })
        rows = owner.rows
        rowsUnderActiveVersion = owner.rowsUnderActiveVersion
        rowsOnOlderVersionsOnly = owner.rowsOnOlderVersionsOnly
        rowsUnreadable = owner.rowsUnreadable
        rowsPostQuantum = owner.rowsPostQuantum
        keyType = owner.keyType?.rawValue
        activeIdentityAvailable = owner.activeIdentityAvailable
    }

    public static let schema = ReportSchema<Self>(
        "OwnerStatus", "One owner's keys, data keys and rows.",
        [
            .init("actor", \.actor, "The actor; null for the shared key.", as: .nullable(.slug)),
            .init("shredded", \.shredded, "Whether its keys were erased."),
            .init("versions", \.versions, "Its key versions, newest first."),
            .init(
                "data_keys", \.dataKeys, "Its data keys, counted by state (sealing, closed, replacing, erased).",
                as: .map(.count)),
            .init("rows", \.rows, "Encrypted rows under its keys.", as: .count),
            .init(
                "rows_under_active_version", \.rowsUnderActiveVersion,
                "Rows whose data key is wrapped to the active version.", as: .count),
            .init(
                "rows_on_older_versions_only", \.rowsOnOlderVersionsOnly,
                "Rows whose data key is wrapped only to older versions: key rewrap moves them.", as: .count),
            .init(
                "rows_unreadable", \.rowsUnreadable, "Rows under erased data keys: they read back as shredded.",
                as: .count),
            .init(
                "rows_post_quantum", \.rowsPostQuantum,
                "Rows whose data key was minted under and is wrapped to post-quantum versions only. After a rotation to post-quantum, key rewrap moves the older data keys but their rows stay classic (their classic wrapped form may have been copied): key reencrypt makes them post-quantum.",
                as: .count),
            .init(
                "key_type", \.keyType,
                "The active version's key type: x25519, or mlkem768x25519 (post-quantum); null without one.",
                as: .nullable(.oneOf(AgeKeyKind.self))),
            .init(
                "active_identity_available", \.activeIdentityAvailable,
                "Whether the active version's identity unseals in this process; null without an active version.",
                as: .nullable(.boolean)),
        ])
}

/// The end of a long job (rewrap, re-encrypt, migrate).
public struct SummaryReport: JSONReport {
    public let done: Int
    public let failed: Int
    public let skipped: Int
    public let total: Int?
    public let interrupted: Bool
    public let failures: [String]

    public init(_ summary: OperationSummary) {
        done = summary.done
        failed = summary.failed
        skipped = summary.skipped
        total = summary.total
        interrupted = summary.interrupted
        failures = summary.failures
    }

    public static let schema = ReportSchema<Self>(
        "Summary", "What a long job did; running it again resumes an interrupted one.",
        [
            .init("done", \.done, "Items done.", as: .count),
            .init("failed", \.failed, "Items that failed (left as they were).", as: .count),
            .init("skipped", \.skipped, "Items with nothing to do.", as: .count),
            .init("total", \.total, "Items in all, when known.", as: .nullable(.count)),
            .init("interrupted", \.interrupted, "Whether it was stopped before the end."),
            .init("failures", \.failures, "The first few failures."),
        ])
}
