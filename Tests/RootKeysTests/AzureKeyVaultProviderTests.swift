import ActorKeys
import Envelope
import Foundation
import Testing

@testable import RootKeys

/// The Azure Key Vault provider against Tests/Servers/azure_keyvault_test_server.py, a test
/// double of Key Vault and Entra ID that follows the documented REST protocol with real
/// RSA-OAEP-256 (no Azure emulator exists for this machine); `scripts/with-azure-test-server`
/// starts it. Outside that script these tests fail with the command to run.
struct AzureKeyVaultProviderTests {
    let environment = KMSTestEnvironment(script: "with-azure-test-server", suite: "AzureKeyVaultProviderTests")
    let endpoint: String
    let vaultName: String
    let tenant: String
    let client: String
    let secret: String

    init() throws {
        endpoint = try environment.value("ACTORKEYS_TEST_AZURE_ENDPOINT")
        vaultName = try environment.value("ACTORKEYS_TEST_AZURE_VAULT_NAME")
        tenant = try environment.value("ACTORKEYS_TEST_AZURE_TENANT_ID")
        client = try environment.value("ACTORKEYS_TEST_AZURE_CLIENT_ID")
        secret = try environment.value("ACTORKEYS_TEST_AZURE_CLIENT_SECRET")
    }

    func provider(
        key: String = "actorkeys", version: String? = nil, tenant: String? = nil, client: String? = nil,
        secret: String? = nil, closedPort: Int? = nil
    ) throws(RootKeyError) -> AzureKeyVaultProvider {
        let url = closedPort.map { "http://127.0.0.1:\($0)" } ?? endpoint
        let location = AzureKeyVaultLocation(
            vaultName: vaultName, key: key, version: version, endpoint: url, authority: url)
        let credentials = ProviderCredentials(
            environment: [
                "AZURE_TENANT_ID": tenant ?? self.tenant, "AZURE_CLIENT_ID": client ?? self.client,
                "AZURE_CLIENT_SECRET": secret ?? self.secret,
            ], secretsDirectory: nil)
        return try AzureKeyVaultProvider(location, credentials: credentials, http: KMSTest.http(closedPort))
    }

    /// An admin call (create, rotate) with the full-access client's token.
    func admin(_ path: String, body: String = "{}") async throws {
        let token = try await provider().tokens.token()
        let reply = try await ProviderHTTP().send(
            .POST, "\(endpoint)/keys/\(path)?api-version=7.4",
            headers: [("Authorization", "Bearer " + token.utf8String), ("Content-Type", "application/json")],
            body: Array(body.utf8))
        #expect(reply.status == 200, "\(path): HTTP \(reply.status)")
    }

    @Test func wrapsAndUnwrapsASealingKey() async throws {
        let provider = try provider()
        let key = SecretBytes.random(count: 32)
        let wrapped = try await provider.wrap(key, context: KMSTest.context)
        #expect(AzureKeyVaultLocation.isVersion(wrapped.kekVersion))
        #expect(wrapped.ciphertext.count == 256)  // RSA 2048
        #expect(try await provider.unwrap(wrapped, context: KMSTest.context).constantTimeEquals(key))
    }

    @Test func describesTheKeyByItsKidWithoutVersion() async throws {
        let provider = try provider()
        let facts = try await provider.describe()
        #expect(facts.kekID == "https://\(vaultName).vault.azure.net/keys/actorkeys")
        #expect(AzureKeyVaultLocation.isVersion(facts.kekVersion))
        #expect(
            try await provider.wrap(SecretBytes.random(count: 32), context: KMSTest.context).kekVersion
                == facts.kekVersion)
    }

    @Test func rotationWrapsUnderTheNewVersionAndOldWrappedKeysStillUnwrap() async throws {
        let name = KMSTest.uniqueName("rotating")
        try await admin("\(name)/create", body: #"{"kty":"RSA","key_size":2048,"key_ops":["wrapKey","unwrapKey"]}"#)
        let provider = try provider(key: name)
        let first = try await provider.describe().kekVersion
        let key = SecretBytes.random(count: 32)
        let old = try await provider.wrap(key, context: KMSTest.context)
        #expect(old.kekVersion == first)
        try await admin("\(name)/rotate")
        let second = try await provider.describe().kekVersion
        #expect(second != first)
        #expect(try await provider.wrap(key, context: KMSTest.context).kekVersion == second)
        #expect(try await provider.unwrap(old, context: KMSTest.context).constantTimeEquals(key))
        let rewrapped = try await provider.rewrap(old, context: KMSTest.context)
        #expect(rewrapped.kekVersion == second)
        #expect(try await provider.unwrap(rewrapped, context: KMSTest.context).constantTimeEquals(key))
        // A URI that pins the first version keeps wrapping with it.
        let pinned = try self.provider(key: name, version: first)
        #expect(try await pinned.describe().kekVersion == first)
        #expect(try await pinned.wrap(key, context: KMSTest.context).kekVersion == first)
    }

    @Test func aWrappedKeyDoesNotUnwrapWithAnotherContext() async throws {
        let provider = try provider()
        let wrapped = try await provider.wrap(SecretBytes.random(count: 32), context: KMSTest.context)
        await expectRootKeyError(.unsupportedKey, hiding: [secret]) {
            _ = try await provider.unwrap(wrapped, context: KMSTest.otherContext)
        }
        var damaged = wrapped.ciphertext
        damaged[10] ^= 1
        await expectRootKeyError(.unsupportedKey, hiding: [secret]) {
            _ = try await provider.unwrap(
                WrappedRootKey(ciphertext: damaged, kekVersion: wrapped.kekVersion), context: KMSTest.context)
        }
        await expectRootKeyError(.unsupportedKey) {
            _ = try await provider.unwrap(
                WrappedRootKey(ciphertext: damaged, kekVersion: "../x"), context: KMSTest.context)
        }
    }

    @Test func wrongClientCredentialsAreAnAuthenticationFailure() async throws {
        let wrong = "wrong-" + secret
        let bySecret = await expectRootKeyError(.authFailed, hiding: [wrong, secret]) {
            _ = try await self.provider(secret: wrong).describe()
        }
        #expect(bySecret?.message.contains("invalid_client") == true)
        #expect(bySecret?.message.contains("AADSTS7000215") == true)
        await expectRootKeyError(.authFailed, hiding: [secret]) {
            _ = try await self.provider(tenant: UUID().uuidString.lowercased()).describe()
        }
        await expectRootKeyError(.authFailed, hiding: [secret]) {
            _ = try await self.provider(client: UUID().uuidString.lowercased()).wrap(
                SecretBytes.random(count: 32), context: KMSTest.context)
        }
        await expectRootKeyError(.authFailed) { _ = try self.provider(tenant: "bad/tenant") }
    }

    @Test func missingCredentialsAreAnAuthenticationFailure() async throws {
        let location = AzureKeyVaultLocation(vaultName: vaultName, key: "actorkeys", endpoint: endpoint)
        for missing in ["AZURE_TENANT_ID", "AZURE_CLIENT_ID", "AZURE_CLIENT_SECRET"] {
            var variables = ["AZURE_TENANT_ID": tenant, "AZURE_CLIENT_ID": client, "AZURE_CLIENT_SECRET": secret]
            variables[missing] = nil
            let error = await expectRootKeyError(.authFailed, hiding: [secret]) {
                _ = try AzureKeyVaultProvider(
                    location, credentials: ProviderCredentials(environment: variables, secretsDirectory: nil))
            }
            #expect(error?.message.contains(missing) == true)
        }
    }

    @Test func anUnknownKeyOrVersionIsNotFound() async throws {
        await expectRootKeyError(.keyNotFound, hiding: [secret]) {
            _ = try await self.provider(key: "no-such-key").describe()
        }
        let version = String(repeating: "0", count: 32)
        await expectRootKeyError(.keyNotFound) { _ = try await self.provider(version: version).describe() }
        let wrapped = try await provider().wrap(SecretBytes.random(count: 32), context: KMSTest.context)
        await expectRootKeyError(.keyNotFound) {
            _ = try await self.provider().unwrap(
                WrappedRootKey(ciphertext: wrapped.ciphertext, kekVersion: version), context: KMSTest.context)
        }
    }

    @Test func aClientWithoutAccessIsDenied() async throws {
        let noAccess = try environment.value("ACTORKEYS_TEST_AZURE_NOACCESS_CLIENT_ID")
        let noAccessSecret = try environment.value("ACTORKEYS_TEST_AZURE_NOACCESS_CLIENT_SECRET")
        let provider = try provider(client: noAccess, secret: noAccessSecret)
        await expectRootKeyError(.permissionDenied, hiding: [noAccessSecret]) { _ = try await provider.describe() }
        let wrapped = try await self.provider().wrap(SecretBytes.random(count: 32), context: KMSTest.context)
        await expectRootKeyError(.permissionDenied, hiding: [noAccessSecret]) {
            _ = try await provider.unwrap(wrapped, context: KMSTest.context)
        }
    }

    @Test func disabledKeysAndKeysWithoutWrapKeyAreRefused() async throws {
        await expectRootKeyError(.unsupportedKey) { _ = try await self.provider(key: "disabled").describe() }
        let noWrap = await expectRootKeyError(.unsupportedKey) { _ = try await self.provider(key: "nowrap").describe() }
        #expect(noWrap?.message.contains("wrapKey") == true)
        await expectRootKeyError(.unsupportedKey) {
            _ = try await self.provider(key: "nowrap").wrap(SecretBytes.random(count: 32), context: KMSTest.context)
        }
        // Key Vault's own refusal, when the version is pinned and no Get Key comes first.
        let version = try await admin(version: "disabled")
        await expectRootKeyError(.unsupportedKey) {
            _ = try await self.provider(key: "disabled", version: version).wrap(
                SecretBytes.random(count: 32), context: KMSTest.context)
        }
    }

    /// The current version of `key`, read past the provider's checks.
    func admin(version key: String) async throws -> String {
        let token = try await provider().tokens.token()
        let reply = try await ProviderHTTP().send(
            .GET, "\(endpoint)/keys/\(key)?api-version=7.4", headers: [("Authorization", "Bearer " + token.utf8String)])
        let bundle = try ProviderJSON.decode(AzureKeyVaultProvider.KeyBundle.self, from: reply.body, provider: "test")
        return String(bundle.key.kid.split(separator: "/").last!)
    }

    @Test func anUnreachableVaultIsANetworkError() async throws {
        let provider = try provider(closedPort: KMSTest.closedPort())
        await expectQuickNetworkError { _ = try await provider.describe() }
    }

    @Test func theTokenIsKeptUntilInvalidated() async throws {
        let tokens = try provider().tokens
        let first = try await tokens.token()
        #expect(try await tokens.token() === first)
        tokens.invalidate(first)
        #expect(try await tokens.token() !== first)
    }

    @Test func theContextIsBoundIntoTheWrappedPlaintext() throws {
        let key = SecretBytes.random(count: 32)
        let bound = AzureKeyVaultProvider.bound(key, context: KMSTest.context)
        #expect(bound.count == 48)
        #expect(try AzureKeyVaultProvider.unbound(bound, context: KMSTest.context).constantTimeEquals(key))
        #expect(throws: RootKeyError.self) { try AzureKeyVaultProvider.unbound(bound, context: KMSTest.otherContext) }
    }
}
