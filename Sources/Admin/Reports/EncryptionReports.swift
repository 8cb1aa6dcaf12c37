import ActorKeys
import Ledger
import RootKeys

/// A scope's last rewrap or reseal run (`scopes` in status).
public struct ScopeReport: JSONReport {
    public let name: String
    public let kind: String
    public let rewrapped: Int
    public let failed: Int
    public let skipped: Int
    public let lastRunAt: String

    public init(_ run: ScopeRun) {
        name = run.scope
        kind = run.kind
        rewrapped = run.rewrapped
        failed = run.failed
        skipped = run.skipped
        lastRunAt = run.runAt.rfc3339
    }

    public static let schema = ReportSchema<Self>(
        "Scope", "A scope's last rewrap (data keys re-wrapped) or reseal (identities re-sealed) run.",
        [
            .init("name", \.name, "The owner: shared, or an actor id."),
            .init("kind", \.kind, "Which run: rewrap or reseal.", as: .oneOf(["rewrap", "reseal"])),
            .init("rewrapped", \.rewrapped, "Items moved to the active key.", as: .count),
            .init("failed", \.failed, "Items that failed.", as: .count),
            .init("skipped", \.skipped, "Items with nothing to do.", as: .count),
            .init("last_run_at", \.lastRunAt, "When the run ended.", as: .dateTime),
        ])
}

/// What the provider last said of the root key (`provider_facts` in status).
public struct ProviderFactsReport: JSONReport {
    public let kekID: String?
    public let newestKekVersion: String?
    public let fetchedAt: String
    public let rotationDue: Bool
    public let errorCode: String?
    public let errorDetail: String?

    public init(_ facts: ProviderFacts, wrappingVersion: String?) {
        kekID = facts.kekID
        newestKekVersion = facts.newestKekVersion
        fetchedAt = facts.fetchedAt.rfc3339
        rotationDue =
            facts.newestKekVersion != nil && wrappingVersion != nil && facts.newestKekVersion != wrappingVersion
        errorCode = facts.error?.code.rawValue
        errorDetail = facts.error?.message
    }

    public static let schema = ReportSchema<Self>(
        "ProviderFacts", "The provider's answer about the root key, cached five minutes (?fresh=true asks again).",
        [
            .init("kek_id", \.kekID, "The provider's id for the key.", as: .nullable(.string)),
            .init(
                "newest_kek_version", \.newestKekVersion, "The key's newest version at the provider.",
                as: .nullable(.string)),
            .init("fetched_at", \.fetchedAt, "When the provider said so.", as: .dateTime),
            .init(
                "rotation_due", \.rotationDue,
                "Whether the provider has a newer key version than the one wrapping the sealing keys (root rotate)."),
            .init(
                "error_code", \.errorCode, "Why the provider did not answer.",
                as: .nullable(.oneOf(RootKeyErrorCode.allCases.map(\.rawValue)))),
            .init("error_detail", \.errorDetail, "What failed; never a secret.", as: .nullable(.string)),
        ])
}

/// The provider configuration (`GET /v1/admin/encryption/config`): fields without secrets.
public struct ProviderSettingsReport: JSONReport {
    public let provider: String
    public let rootKey: String
    public let source: String
    public let configuredAt: String
    public let configuredBy: String?
    public let fields: [String: String]
    public let credentials: [String: Bool]

    public init(_ settings: ProviderSettings) {
        provider = settings.provider
        rootKey = settings.uri
        source = settings.source
        configuredAt = settings.configuredAt.rfc3339
        configuredBy = settings.configuredBy
        fields = settings.fields
        credentials = settings.credentialsSet
    }

    /// A provider field's value, if the provider has it.
    public subscript(field name: String) -> String? { fields[name] }

    /// Whether a credential is set on this node, if the provider has it.
    public subscript(credential name: String) -> Bool? { credentials[name] }

    static let fieldSummaries: [(String, String)] = [
        ("vault_url", "azure-keyvault: https://NAME.vault.azure.net."),
        ("tenant_id", "azure-keyvault: the Microsoft Entra tenant."),
        ("client_id", "azure-keyvault: the application (client) id."),
        ("key_name", "azure-keyvault and vault-transit: the key's name."),
        ("endpoint", "aws-kms and azure-keyvault: an endpoint override."),
        ("authority", "azure-keyvault: the token authority's URL."),
        ("address", "vault-transit: http(s)://HOST:PORT."),
        ("mount", "vault-transit: the Transit mount."),
        ("key_id", "aws-kms: the key id, alias or ARN."),
        ("region", "aws-kms: the region."),
        ("access_key_id", "aws-kms: the access key id."),
        ("module_path", "pkcs11: the PKCS#11 module."),
        ("token_label", "pkcs11: the token's label."),
        ("key_label", "pkcs11: the key's label."),
        ("path", "local: the root key file."),
    ]

    static let credentialSummaries: [(String, String)] = [
        ("client_secret", "azure-keyvault"), ("token", "vault-transit"), ("secret_access_key", "aws-kms"),
        ("pin", "pkcs11"),
    ]

    public static let schema = ReportSchema<Self>(
        "ProviderSettings",
        "The root key provider's configuration without secrets: the provider's fields, and {secret}_set for each secret.",
        [
            .init("provider", \.provider, "local, vault-transit, aws-kms, azure-keyvault or pkcs11."),
            .init("root_key", \.rootKey, "The root key's URI (never a credential)."),
            .init(
                "source", \.source, "api: saved through this API; uri: named by init or root set.",
                as: .oneOf(["api", "uri"])),
            .init("configured_at", \.configuredAt, "When it was configured.", as: .dateTime),
            .init("configured_by", \.configuredBy, "Who configured it.", as: .nullable(.string)),
        ]
            + fieldSummaries.map { name, summary in .init(name, omittedWhenNil: \Self.[field: name], summary) }
            + credentialSummaries.map { name, provider in
                .init(
                    name + "_set", omittedWhenNil: \Self.[credential: name],
                    "\(provider): whether this node holds the \(name) (its environment or <home>/secrets/).")
            })
}

/// The answer to `DELETE /v1/admin/encryption/config`.
public struct ProviderRemovalReport: JSONReport {
    public let removed: Bool
    public let fallbackAvailable: Bool
    public let previousRootKey: String
    public let errorCode: String?
    public let errorDetail: String?

    public init(_ removal: ProviderRemoval) {
        removed = removal.removed
        fallbackAvailable = removal.fallbackAvailable
        previousRootKey = removal.previous
        errorCode = removal.error?.code.rawValue
        errorDetail = removal.error?.message
    }

    public static let schema = ReportSchema<Self>(
        "ProviderRemoval",
        "Whether the workspace is back on its local root key; it is only when the provider could still unwrap the sealing keys.",
        [
            .init("removed", \.removed, "Whether the configuration was removed."),
            .init(
                "fallback_available", \.fallbackAvailable,
                "Whether the local root key could take over (false: the provider cannot unwrap; nothing changed)."),
            .init("previous_root_key", \.previousRootKey, "The root key before."),
            .init(
                "error_code", \.errorCode, "Why the provider could not unwrap.",
                as: .nullable(.oneOf(RootKeyErrorCode.allCases.map(\.rawValue)))),
            .init("error_detail", \.errorDetail, "What failed; never a secret.", as: .nullable(.string)),
        ])
}
