import ActorKeys
import Ledger
import RootKeys

/// ProviderSettings is the provider configuration as the API shows it: the root key's provider
/// and its fields without secrets, whether each secret is set on this node, and who configured
/// it when.
public struct ProviderSettings: Sendable {
    public let provider: String
    public let uri: String
    /// The fields that are not secret (`address`, `key_name`, `client_id`, …).
    public let fields: [String: String]
    /// Each credential field of the provider: whether this node has a value (environment or file).
    public let credentialsSet: [String: Bool]
    public let configuredAt: Timestamp
    public let configuredBy: String?
    /// `api` when saved through the configuration API, `uri` when named by `init` or `root set`.
    public let source: String
}

/// ProviderSaveOutcome is the answer to a save: saved, or refused because its test failed.
public enum ProviderSaveOutcome: Sendable {
    case saved(ProviderSettings)
    case rejected(ConnectionTestResult)
}

/// ProviderRemoval is the answer to removing the configuration: whether the workspace is back on
/// its local root key, or why it could not be (the provider cannot unwrap the sealing keys).
public struct ProviderRemoval: Sendable {
    public let removed: Bool
    public let fallbackAvailable: Bool
    public let previous: String
    public let error: RootKeyError?
}

extension KeyAdministration {
    /// The provider configuration in force. Needs `is_infra_admin`; makes no provider call.
    public func providerSettings() async throws(AdminError) -> ProviderSettings {
        try authorize([.isInfraAdmin])
        return settings(of: try await currentRoot().root)
    }

    /// Tests `configuration` (a blank secret takes the stored one), and only when the test passes
    /// saves it: the credentials as files under `<home>/secrets/`, the other fields with the root
    /// key, and the workspace moved to the root key (as `root set`), or reconfigured when the URI
    /// is the one in force. Any failure on the way puts every file back and leaves the old root
    /// key in force. Needs `is_infra_admin`; audited without a credential.
    public func saveProviderSettings(
        _ configuration: ProviderConfiguration
    ) async throws(AdminError)
        -> ProviderSaveOutcome
    {
        let action = "encryption.config.save"
        try await authorize(action, target: nil, needs: [.isInfraAdmin])
        let credentials: [String: String]
        do throws(RootKeyError) {
            credentials = try configuration.credentials(keeping: root.credentials)
        } catch {
            return .rejected(ConnectionTestResult(location: nil, facts: nil, error: error))
        }
        let test = await connectionTest(configuration, credentials: credentials)
        guard test.ok, let uri = test.location else {
            let code = test.error?.code.rawValue ?? "invalid_uri"
            try? await recordRejection(
                action, code: code,
                details: ["provider": configuration.kind.rawValue, "uri": test.location ?? "(invalid)"])
            return .rejected(test)
        }
        return .saved(
            try await audited(action, target: nil) { () throws(AdminError) in
                let settings = try await save(configuration, uri: uri, credentials: credentials)
                return (settings, ["provider": settings.provider, "uri": settings.uri])
            })
    }

    /// Moves the workspace back to its local root key, when the provider can still unwrap the
    /// sealing keys; the provider's credential files on this node are erased after the move.
    /// Needs `is_infra_admin`.
    public func removeProviderSettings() async throws(AdminError) -> ProviderRemoval {
        try await audited("encryption.config.remove", target: nil) { () throws(AdminError) in
            try authorize([.isInfraAdmin])
            let state = try await currentRoot()
            let location = try parsed(state.root.uri)
            if case .local = location {
                throw AdminError(.notFound, "no provider is configured: the workspace uses its local root key")
            }
            let local = try parsed(Workspace.defaultRootKey(home: workspace.home))
            let keys: [Int64: SecretBytes]
            do throws(RootKeyError) {
                keys = try await root.unwrapAll(state, with: try root.provider(for: state.root.uri))
            } catch {
                let removal = ProviderRemoval(
                    removed: false, fallbackAvailable: false, previous: state.root.uri, error: error)
                return (
                    removal,
                    ["previous_root_key": state.root.uri, "removed": "false", "error_code": error.code.rawValue]
                )
            }
            _ = try await moveRoot(
                state, keys: keys, to: local, provider: try rootProvider(local.description), fields: nil)
            if let kind = ProviderKind(rawValue: location.provider) {
                SecretFiles(directory: workspace.secretsDirectory).erase(CredentialField.of(kind).map(\.file))
            }
            let removal = ProviderRemoval(removed: true, fallbackAvailable: true, previous: state.root.uri, error: nil)
            return (
                removal,
                [
                    "previous_root_key": state.root.uri, "removed": String(removal.removed),
                    "fallback_available": String(removal.fallbackAvailable),
                ]
            )
        }
    }

    // MARK: Helpers

    private func save(
        _ configuration: ProviderConfiguration, uri: String, credentials: [String: String]
    ) async throws(AdminError) -> ProviderSettings {
        let state = try await currentRoot()
        let location = try parsed(uri)
        let fields = configuration.credentialFields
        for field in fields {
            if let value = credentials[field.variable], let set = root.credentials.environment[field.variable],
                !set.isEmpty, set != value
            {
                throw AdminError(
                    .conflict,
                    "this node's environment sets \(field.variable), which would take the place of the saved \(field.name): unset it, or save the same value"
                )
            }
        }
        let files = SecretFiles(directory: workspace.secretsDirectory)
        let written = try files.replace(
            fields.compactMap { field in credentials[field.variable].map { (field.file, $0) } })
        do {
            if location.description == state.root.uri {
                try await admin {
                    try await store.reconfigureRoot(
                        state.root.id, fields: configuration.storedFields, by: principal.description)
                }
                try await root.reload()
            } else {
                let provider = try root.provider(
                    for: location.description,
                    credentials: ProviderCredentials(environment: credentials, secretsDirectory: nil))
                _ = try await moveRoot(
                    state, keys: try await sealingKeys(of: state), to: location, provider: provider,
                    fields: configuration.storedFields)
            }
        } catch {
            written.restore()
            throw AdminError(error)
        }
        written.keep()
        if let previous = ProviderKind(rawValue: state.root.provider), previous != configuration.kind {
            files.erase(CredentialField.of(previous).map(\.file))
        }
        return settings(of: try await currentRoot().root)
    }

    private func parsed(_ uri: String) throws(AdminError) -> RootKeyLocation {
        do throws(RootKeyError) { return try RootKeyLocation(parsing: uri) } catch {
            throw AdminError(.invalidArgument, error.message)
        }
    }

    /// The settings of root key `record`: its stored fields, or those its URI names.
    private func settings(of record: RootKeyRecord) -> ProviderSettings {
        let location = try? RootKeyLocation(parsing: record.uri)
        let kind = ProviderKind(rawValue: record.provider)
        var credentialsSet: [String: Bool] = [:]
        for field in (kind.map(CredentialField.of) ?? []) where field.secret {
            let value = try? root.credentials.secret(field.variable, file: field.file)
            credentialsSet[field.name] = (value ?? nil).map { $0.count > 0 } ?? false
        }
        return ProviderSettings(
            provider: record.provider, uri: record.uri,
            fields: record.fields.map(ProviderConfiguration.fields(stored:)) ?? location.map(Self.fields(of:)) ?? [:],
            credentialsSet: credentialsSet, configuredAt: record.configuredAt, configuredBy: record.configuredBy,
            source: record.fields == nil ? "uri" : "api")
    }

    /// The API's fields that a root key URI names.
    static func fields(of location: RootKeyLocation) -> [String: String] {
        switch location {
        case .local(let path): ["path": path]
        case .vaultTransit(let vault): ["address": vault.address, "mount": vault.mount, "key_name": vault.key]
        case .awsKMS(let aws):
            ["key_id": aws.keyID, "region": aws.region].merging(aws.endpoint.map { ["endpoint": $0] } ?? [:]) { a, _ in
                a
            }
        case .azureKeyVault(let azure):
            ["vault_url": "https://\(azure.vaultName).vault.azure.net", "key_name": azure.key]
        case .pkcs11(let hsm):
            ["module_path": hsm.modulePath, "token_label": hsm.token, "key_label": hsm.object]
        }
    }
}
