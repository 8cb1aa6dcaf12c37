import ActorKeys
import FoundationEssentials
import RootKeys

/// ProviderConfiguration turns the API's provider fields into a root key URI and the
/// credentials the provider reads, named as its ecosystem names them (`VAULT_TOKEN`,
/// `AWS_SECRET_ACCESS_KEY`, …). The URI holds no secret; the credentials stay in memory.
public struct ProviderConfiguration: Sendable {
    public let kind: ProviderKind
    let request: ProviderConfigRequest

    public init(_ request: ProviderConfigRequest) throws(AdminError) {
        guard let kind = request.provider.flatMap(ProviderKind.init(rawValue:)) else {
            throw AdminError(
                .invalidArgument, "provider is one of local, vault-transit, aws-kms, azure-keyvault, pkcs11")
        }
        self.kind = kind
        self.request = request
    }

    /// The root key URI, or `.invalidURI` naming the field that is missing or malformed.
    public func uri(home: String) throws(RootKeyError) -> String {
        func required(_ value: String?, _ name: String) throws(RootKeyError) -> String {
            guard let value, !value.isEmpty else { throw RootKeyError(.invalidURI, "\(name) is required") }
            return value
        }
        let uri: String
        switch kind {
        case .local:
            uri = Workspace.defaultRootKey(home: home)
        case .vaultTransit:
            let address = try required(request.address, "address")
            let tls = address.hasPrefix("https://")
            guard tls || address.hasPrefix("http://") else {
                throw RootKeyError(.invalidURI, "address is http(s)://HOST:PORT")
            }
            let authority = address.drop { $0 != "/" }.dropFirst(2).prefix { $0 != "/" }
            guard !authority.isEmpty,
                address.drop(while: { $0 != "/" }).dropFirst(2).drop(while: { $0 != "/" })
                    .allSatisfy({ $0 == "/" })
            else { throw RootKeyError(.invalidURI, "address is http(s)://HOST:PORT, without a path") }
            let mount = request.mount.flatMap { $0.isEmpty ? nil : $0 } ?? "transit"
            uri =
                "vault-transit://\(authority)/\(mount)/\(try required(request.keyName, "key_name"))"
                + (tls ? "" : "?tls=off")
        case .awsKMS:
            var text =
                "aws-kms://\(try required(request.keyID, "key_id"))?region=\(try required(request.region, "region"))"
            if let endpoint = request.endpoint, !endpoint.isEmpty {
                text += "&endpoint=" + PercentEncoding.encode(endpoint)
            }
            uri = text
        case .azureKeyVault:
            let url = try required(request.vaultURL, "vault_url")
            let host = url.hasPrefix("https://") ? String(url.dropFirst("https://".count)) : ""
            let trimmed = host.hasSuffix("/") ? String(host.dropLast()) : host
            guard AzureKeyVaultLocation.vaultName(ofHost: trimmed) != nil else {
                throw RootKeyError(.invalidURI, "vault_url must be https://<name>.vault.azure.net")
            }
            var text = "azure-keyvault://\(trimmed)/keys/\(try required(request.keyName, "key_name"))"
            var query: [String] = []
            if let endpoint = request.endpoint, !endpoint.isEmpty {
                query.append("endpoint=" + PercentEncoding.encode(endpoint))
            }
            if let authority = request.authority, !authority.isEmpty {
                query.append("authority=" + PercentEncoding.encode(authority))
            }
            if !query.isEmpty { text += "?" + query.joined(separator: "&") }
            uri = text
        case .pkcs11:
            uri =
                "pkcs11:token=\(PercentEncoding.encode(try required(request.tokenLabel, "token_label")))"
                + ";object=\(PercentEncoding.encode(try required(request.keyLabel, "key_label")))"
                + "?module-path=\(PercentEncoding.encode(try required(request.modulePath, "module_path"), keeping: [UInt8(ascii: "/")]))"
        }
        return try RootKeyLocation(parsing: uri).description
    }

    /// The credentials of the request, as the providers look them up (environment-variable names).
    public var credentials: [String: String] {
        var result: [String: String] = [:]
        for field in credentialFields {
            if let value = request[keyPath: field.value], !value.isEmpty { result[field.variable] = value }
        }
        return result
    }

    /// The credentials of the request, a blank field taking the value `stored` holds (this
    /// node's environment, else its secret file): a save with a blank secret keeps the stored one.
    func credentials(keeping stored: ProviderCredentials) throws(RootKeyError) -> [String: String] {
        var result = credentials
        for field in credentialFields where result[field.variable] == nil {
            if let value = try stored.secret(field.variable, file: field.file) {
                result[field.variable] = value.utf8String
            }
        }
        return result
    }

    /// The fields the provider reads as credentials.
    var credentialFields: [CredentialField] { CredentialField.of(kind) }

    /// The fields that are not secret, as stored with the root key (JSON): the provider's
    /// own, credentials such as a client id included; never a secret.
    var storedFields: String {
        var fields: [String: String] = [:]
        for (name, path) in Self.plainFields {
            if let value = request[keyPath: path], !value.isEmpty { fields[name] = value }
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(fields)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    /// Reads back what `storedFields` wrote.
    static func fields(stored text: String) -> [String: String] {
        (try? JSONDecoder().decode([String: String].self, from: Data(text.utf8))) ?? [:]
    }

    static let plainFields: [(String, KeyPath<ProviderConfigRequest, String?> & Sendable)] = [
        ("vault_url", \.vaultURL), ("tenant_id", \.tenantID), ("client_id", \.clientID), ("key_name", \.keyName),
        ("endpoint", \.endpoint), ("authority", \.authority), ("address", \.address), ("mount", \.mount),
        ("key_id", \.keyID), ("region", \.region), ("access_key_id", \.accessKeyID),
        ("module_path", \.modulePath), ("token_label", \.tokenLabel), ("key_label", \.keyLabel),
    ]
}

/// CredentialField is a field of the API that a provider reads as a credential: its variable
/// in the environment and its file under `<home>/secrets/`, as the providers look them up.
struct CredentialField: Sendable {
    let name: String
    let variable: String
    let file: String
    /// A secret (never returned, logged or stored in the database), or an id such as a client id.
    let secret: Bool
    let value: KeyPath<ProviderConfigRequest, String?> & Sendable

    static func of(_ kind: ProviderKind) -> [CredentialField] {
        switch kind {
        case .local: []
        case .vaultTransit:
            [
                CredentialField(
                    name: "token", variable: "VAULT_TOKEN", file: "vault-transit.token", secret: true, value: \.token)
            ]
        case .awsKMS:
            [
                CredentialField(
                    name: "access_key_id", variable: "AWS_ACCESS_KEY_ID", file: "aws-kms.access_key_id", secret: false,
                    value: \.accessKeyID),
                CredentialField(
                    name: "secret_access_key", variable: "AWS_SECRET_ACCESS_KEY", file: "aws-kms.secret_access_key",
                    secret: true, value: \.secretAccessKey),
            ]
        case .azureKeyVault:
            [
                CredentialField(
                    name: "tenant_id", variable: "AZURE_TENANT_ID", file: "azure-keyvault.tenant_id", secret: false,
                    value: \.tenantID),
                CredentialField(
                    name: "client_id", variable: "AZURE_CLIENT_ID", file: "azure-keyvault.client_id", secret: false,
                    value: \.clientID),
                CredentialField(
                    name: "client_secret", variable: "AZURE_CLIENT_SECRET", file: "azure-keyvault.client_secret",
                    secret: true, value: \.clientSecret),
            ]
        case .pkcs11:
            [
                CredentialField(
                    name: "pin", variable: "ACTORKEYS_PKCS11_PIN", file: "pkcs11.pin", secret: true, value: \.pin)
            ]
        }
    }
}

extension KeyAdministration {
    /// Tests a provider configuration in the documented order (the URL's shape, the
    /// credentials, the key, a wrap/unwrap round trip of a random 32-byte key) with the
    /// credentials the request carries (a blank one: the one this node holds, as a save would
    /// use), and saves nothing. Needs `is_infra_admin`. Audited with
    /// the provider, the URI and the outcome's code, never a credential; the detail of a
    /// failure is checked not to repeat a secret of the request.
    public func testConnection(_ configuration: ProviderConfiguration) async throws(AdminError) -> ConnectionTestResult
    {
        try await authorize("encryption.test_connection", target: nil, needs: [.isInfraAdmin])
        let result: ConnectionTestResult
        do throws(RootKeyError) {
            result = await connectionTest(
                configuration, credentials: try configuration.credentials(keeping: root.credentials))
        } catch {
            result = ConnectionTestResult(location: nil, facts: nil, error: error)
        }
        var details: AuditDetails = [
            "provider": configuration.kind.rawValue, "uri": result.location ?? "(invalid)", "ok": String(result.ok),
        ]
        if let error = result.error { details["error_code"] = error.code.rawValue }
        try? await recordSuccess("encryption.test_connection", target: nil, details: details)
        return result
    }

    /// The connection test of `configuration` with `credentials`; a failure's detail that
    /// repeats one of the credentials is replaced.
    func connectionTest(
        _ configuration: ProviderConfiguration, credentials: [String: String]
    ) async -> ConnectionTestResult {
        let workspaceID = (try? await store.workspaceID()) ?? nil
        var result: ConnectionTestResult
        do {
            let uri = try configuration.uri(home: workspace.home)
            result = await ConnectionTest.run(
                uri: uri, credentials: ProviderCredentials(environment: credentials, secretsDirectory: nil),
                workspace: workspaceID ?? "unsaved", http: ProviderHTTP(timeout: root.http.timeout))
        } catch {
            result = ConnectionTestResult(location: nil, facts: nil, error: error)
        }
        let secrets = configuration.credentialFields.filter(\.secret).compactMap { credentials[$0.variable] }
            .filter { !$0.isEmpty }
        if let error = result.error, secrets.contains(where: { error.message.contains($0) }) {
            result = ConnectionTestResult(
                location: result.location, facts: nil,
                error: RootKeyError(error.code, "the provider's answer repeated a credential; it is not shown"))
        }
        return result
    }
}
