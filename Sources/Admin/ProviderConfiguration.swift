import ActorKeys
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
            uri = "local:" + FilePath.join(FilePath.join(FilePath.absolute(home), "keys"), "root.key")
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

    /// The credentials as the providers look them up (environment-variable names).
    public var credentials: [String: String] {
        let pairs: [(String, String?)] =
            switch kind {
            case .local: []
            case .vaultTransit: [("VAULT_TOKEN", request.token)]
            case .awsKMS:
                [("AWS_ACCESS_KEY_ID", request.accessKeyID), ("AWS_SECRET_ACCESS_KEY", request.secretAccessKey)]
            case .azureKeyVault:
                [
                    ("AZURE_TENANT_ID", request.tenantID), ("AZURE_CLIENT_ID", request.clientID),
                    ("AZURE_CLIENT_SECRET", request.clientSecret),
                ]
            case .pkcs11: [("ACTORKEYS_PKCS11_PIN", request.pin)]
            }
        var result: [String: String] = [:]
        for (name, value) in pairs { if let value, !value.isEmpty { result[name] = value } }
        return result
    }

    /// The request's secret values, to make sure no answer repeats one.
    var secrets: [String] {
        [request.clientSecret, request.token, request.secretAccessKey, request.pin].compactMap { $0 }.filter {
            !$0.isEmpty
        }
    }
}

extension KeyAdministration {
    /// Tests a provider configuration in the documented order (the URL's shape, the
    /// credentials, the key, a wrap/unwrap round trip of a random 32-byte key) with the
    /// credentials the request carries, and saves nothing. Needs `is_infra_admin`. Audited with
    /// the provider, the URI and the outcome's code, never a credential; the detail of a
    /// failure is checked not to repeat a secret of the request.
    public func testConnection(_ configuration: ProviderConfiguration) async throws(AdminError) -> ConnectionTestResult
    {
        try await authorize("encryption.test_connection", target: nil, needs: [.isInfraAdmin])
        let workspaceID = try await admin { try await store.workspaceID() } ?? "unsaved"
        var result: ConnectionTestResult
        do {
            let uri = try configuration.uri(home: workspace.home)
            result = await ConnectionTest.run(
                uri: uri,
                credentials: ProviderCredentials(environment: configuration.credentials, secretsDirectory: nil),
                workspace: workspaceID, http: ProviderHTTP(timeout: root.http.timeout))
        } catch {
            result = ConnectionTestResult(location: nil, facts: nil, error: error)
        }
        if let error = result.error, configuration.secrets.contains(where: { error.message.contains($0) }) {
            result = ConnectionTestResult(
                location: result.location, facts: nil,
                error: RootKeyError(error.code, "the provider's answer repeated a credential; it is not shown"))
        }
        var details: AuditDetails = [
            "provider": configuration.kind.rawValue, "uri": result.location ?? "(invalid)", "ok": String(result.ok),
        ]
        if let error = result.error { details["error_code"] = error.code.rawValue }
        try? await recordSuccess("encryption.test_connection", target: nil, details: details)
        return result
    }
}
