import RootKeys

/// The body of `test-connection` (and of the configuration routes): a provider and its fields,
/// labelled as the API and the console name them. Secret fields (`client_secret`, `token`,
/// `secret_access_key`, `pin`) are never returned, logged or stored in the database.
public struct ProviderConfigRequest: JSONRequest {
    public var provider: String?
    // azure-keyvault
    public var vaultURL: String?
    public var tenantID: String?
    public var clientID: String?
    public var clientSecret: String?
    public var keyName: String?
    /// Overrides of the vault's and Microsoft Entra ID's addresses (sovereign clouds, tests).
    public var endpoint: String?
    public var authority: String?
    // vault-transit
    public var address: String?
    public var mount: String?
    public var token: String?
    // aws-kms
    public var keyID: String?
    public var region: String?
    public var accessKeyID: String?
    public var secretAccessKey: String?
    // pkcs11
    public var modulePath: String?
    public var tokenLabel: String?
    public var keyLabel: String?
    public var pin: String?

    public init() {}

    /// Room for any real value (a Vault batch token, a module path, a URL).
    public static let text = JSONType.string(StringRules(maxLength: 1024))

    public static let schema = RequestSchema<Self>(
        "ProviderConfig", "A root key provider and its fields. Secret fields are marked and never returned.",
        [
            .init(
                "provider", \.provider, "local, vault-transit, aws-kms, azure-keyvault or pkcs11.",
                as: .oneOf(ProviderKind.self), required: true),
            .init("vault_url", \.vaultURL, "azure-keyvault: https://NAME.vault.azure.net.", as: text),
            .init("tenant_id", \.tenantID, "azure-keyvault: the Microsoft Entra tenant.", as: text),
            .init("client_id", \.clientID, "azure-keyvault: the application (client) id.", as: text),
            .init("client_secret", \.clientSecret, "azure-keyvault: the client secret (secret).", as: text),
            .init(
                "key_name", \.keyName, "azure-keyvault and vault-transit: the key's name.", as: text),
            .init(
                "endpoint", \.endpoint,
                "aws-kms: an endpoint URL; azure-keyvault: the vault's address instead of vault_url's.", as: text),
            .init("authority", \.authority, "azure-keyvault: the token authority's URL.", as: text),
            .init("address", \.address, "vault-transit: http(s)://HOST:PORT.", as: text),
            .init("mount", \.mount, "vault-transit: the Transit mount (default transit).", as: text),
            .init("token", \.token, "vault-transit: a Vault token (secret).", as: text),
            .init("key_id", \.keyID, "aws-kms: the key id, alias/NAME or ARN.", as: text),
            .init("region", \.region, "aws-kms: the region.", as: text),
            .init("access_key_id", \.accessKeyID, "aws-kms: the access key id.", as: text),
            .init("secret_access_key", \.secretAccessKey, "aws-kms: the secret access key (secret).", as: text),
            .init("module_path", \.modulePath, "pkcs11: the PKCS#11 module's absolute path.", as: text),
            .init("token_label", \.tokenLabel, "pkcs11: the token's label.", as: text),
            .init("key_label", \.keyLabel, "pkcs11: the key's label.", as: text),
            .init("pin", \.pin, "pkcs11: the user PIN (secret).", as: text),
        ],
        // The fields each provider's root key URI is made of (ProviderConfiguration.uri). Secrets
        // are never required: a blank or absent one keeps the stored secret.
        rules: [
            .requires(["address", "key_name"], when: "provider", is: ProviderKind.vaultTransit.rawValue),
            .requires(["key_id", "region"], when: "provider", is: ProviderKind.awsKMS.rawValue),
            .requires(["vault_url", "key_name"], when: "provider", is: ProviderKind.azureKeyVault.rawValue),
            .requires(["module_path", "token_label", "key_label"], when: "provider", is: ProviderKind.pkcs11.rawValue),
        ])
}

/// ProviderKind is each root key provider, as the API names it.
public enum ProviderKind: String, Sendable, CaseIterable {
    case local
    case vaultTransit = "vault-transit"
    case awsKMS = "aws-kms"
    case azureKeyVault = "azure-keyvault"
    case pkcs11
}
