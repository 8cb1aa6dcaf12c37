import ActorKeys
import Envelope
import Foundation
import TestSupport
import Testing

@testable import RootKeys

/// The Vault Transit provider against a real OpenBao dev server, which `scripts/with-openbao`
/// starts: keys actorkeys, other, chacha, rsa and signing; a root, a limited and a no-permission
/// token. Outside that script these tests fail with the command to run.
struct VaultTransitProviderTests {
    let environment = KMSTestEnvironment(script: "with-openbao", suite: "VaultTransitProviderTests")
    let address: String
    let rootToken: String

    init() throws {
        address = try environment.value("ACTORKEYS_TEST_VAULT_ADDR")
        rootToken = try environment.value("ACTORKEYS_TEST_VAULT_TOKEN")
    }

    func provider(
        key: String = "actorkeys", token: String? = nil, port: Int? = nil
    ) throws(RootKeyError) -> VaultTransitProvider {
        let hostPort = address.dropFirst("http://".count).split(separator: ":")
        let location = VaultTransitLocation(
            host: String(hostPort[0]), port: port ?? Int(hostPort[1])!, mount: "transit", key: key, tls: false)
        let credentials = ProviderCredentials(environment: ["VAULT_TOKEN": token ?? rootToken], secretsDirectory: nil)
        return try VaultTransitProvider(location, credentials: credentials, http: KMSTest.http(port))
    }

    /// An admin call with the root token (creating and rotating the tests' own keys).
    func admin(_ path: String, body: String = "{}") async throws {
        let reply = try await ProviderHTTP().send(
            .POST, "\(address)/v1/\(path)", headers: [("X-Vault-Token", rootToken)], body: Array(body.utf8))
        #expect((200...204).contains(reply.status), "\(path): HTTP \(reply.status)")
    }

    @Test func wrapsAndUnwrapsASealingKey() async throws {
        let provider = try provider()
        let key = SecretBytes.random(count: 32)
        let wrapped = try await provider.wrap(key, context: KMSTest.context)
        let text = String(decoding: wrapped.ciphertext, as: UTF8.self)
        #expect(text.hasPrefix("vault:v\(wrapped.kekVersion):"))
        let unwrapped = try await provider.unwrap(wrapped, context: KMSTest.context)
        #expect(unwrapped.constantTimeEquals(key))
    }

    @Test func describesTheKeyByItsURLAndLatestVersion() async throws {
        let facts = try await provider().describe()
        #expect(facts.kekID == "\(address)/v1/transit/keys/actorkeys")
        #expect(facts.kekVersion == "1")
    }

    @Test func chachaKeysWrapToo() async throws {
        let provider = try provider(key: "chacha")
        #expect(try await provider.describe().kekVersion == "1")
        let key = SecretBytes.random(count: 32)
        let back = try await provider.unwrap(provider.wrap(key, context: KMSTest.context), context: KMSTest.context)
        #expect(back.constantTimeEquals(key))
    }

    @Test func rotationWrapsUnderTheNewVersionAndOldWrappedKeysStillUnwrap() async throws {
        // A key of this test's own: rotating the shared one would race the other tests.
        let name = KMSTest.uniqueName("rotating")
        try await admin("transit/keys/\(name)", body: #"{"type":"aes256-gcm96"}"#)
        let provider = try provider(key: name)
        let key = SecretBytes.random(count: 32)
        let old = try await provider.wrap(key, context: KMSTest.context)
        #expect(old.kekVersion == "1")
        try await admin("transit/keys/\(name)/rotate")
        #expect(try await provider.describe().kekVersion == "2")
        let new = try await provider.wrap(key, context: KMSTest.context)
        #expect(new.kekVersion == "2")
        #expect(try await provider.unwrap(old, context: KMSTest.context).constantTimeEquals(key))
        let rewrapped = try await provider.rewrap(old, context: KMSTest.context)
        #expect(rewrapped.kekVersion == "2")
        #expect(try await provider.unwrap(rewrapped, context: KMSTest.context).constantTimeEquals(key))
        await expectRootKeyError(.unsupportedKey) { _ = try await provider.rewrap(old, context: KMSTest.otherContext) }
    }

    @Test func aWrappedKeyDoesNotUnwrapWithAnotherContext() async throws {
        let provider = try provider()
        let wrapped = try await provider.wrap(SecretBytes.random(count: 32), context: KMSTest.context)
        let error = await expectRootKeyError(.unsupportedKey) {
            _ = try await provider.unwrap(wrapped, context: KMSTest.otherContext)
        }
        #expect(error?.message.contains("message authentication failed") == true)
        // Nor with another key of the same Vault.
        await expectRootKeyError(.unsupportedKey) {
            _ = try await self.provider(key: "other").unwrap(wrapped, context: KMSTest.context)
        }
    }

    @Test func aWrongTokenIsAnAuthenticationFailure() async throws {
        let token = "s." + String(repeating: "x", count: 24)
        let provider = try provider(token: token)
        await expectRootKeyError(.authFailed, hiding: [token]) { _ = try await provider.describe() }
        await expectRootKeyError(.authFailed, hiding: [token]) {
            _ = try await provider.wrap(SecretBytes.random(count: 32), context: KMSTest.context)
        }
    }

    @Test func anUnknownKeyIsNotFound() async throws {
        let provider = try provider(key: "no-such-key")
        await expectRootKeyError(.keyNotFound, hiding: [rootToken]) { _ = try await provider.describe() }
        let wrapped = try await self.provider().wrap(SecretBytes.random(count: 32), context: KMSTest.context)
        await expectRootKeyError(.keyNotFound, hiding: [rootToken]) {
            _ = try await provider.unwrap(wrapped, context: KMSTest.context)
        }
    }

    @Test func aTokenWithoutPermissionIsDenied() async throws {
        let limited = try environment.value("ACTORKEYS_TEST_VAULT_LIMITED_TOKEN")
        let noPermission = try environment.value("ACTORKEYS_TEST_VAULT_NOPERM_TOKEN")
        // The limited token wraps and unwraps but may not read the key.
        let wrapping = try provider(token: limited)
        let key = SecretBytes.random(count: 32)
        let wrapped = try await wrapping.wrap(key, context: KMSTest.context)
        #expect(try await wrapping.unwrap(wrapped, context: KMSTest.context).constantTimeEquals(key))
        await expectRootKeyError(.permissionDenied, hiding: [limited]) { _ = try await wrapping.describe() }
        let other = try provider(key: "other", token: limited)
        await expectRootKeyError(.permissionDenied, hiding: [limited]) {
            _ = try await other.wrap(key, context: KMSTest.context)
        }
        let nothing = try provider(token: noPermission)
        await expectRootKeyError(.permissionDenied, hiding: [noPermission]) { _ = try await nothing.describe() }
        await expectRootKeyError(.permissionDenied, hiding: [noPermission]) {
            _ = try await nothing.unwrap(wrapped, context: KMSTest.context)
        }
    }

    @Test func keysThatTakeNoAssociatedDataAreRefused() async throws {
        let rsa = await expectRootKeyError(.unsupportedKey) { _ = try await self.provider(key: "rsa").describe() }
        #expect(rsa?.message.contains("associated data") == true)
        await expectRootKeyError(.unsupportedKey) { _ = try await self.provider(key: "signing").describe() }
        await expectRootKeyError(.unsupportedKey) {
            _ = try await self.provider(key: "rsa").wrap(SecretBytes.random(count: 32), context: KMSTest.context)
        }
    }

    @Test func anUnreachableVaultIsANetworkError() async throws {
        let provider = try provider(port: KMSTest.closedPort())
        await expectQuickNetworkError { _ = try await provider.describe() }
        await expectQuickNetworkError {
            _ = try await provider.wrap(SecretBytes.random(count: 32), context: KMSTest.context)
        }
    }

    @Test func aCiphertextThatIsNotVaultsIsRefusedBeforeAnyCall() async throws {
        let provider = try provider(port: KMSTest.closedPort())
        for text in ["", "vault:v0:AAAA", "vault:1:AAAA", "vault:v2:", "vault:v2:AA AA"] {
            await expectRootKeyError(.unsupportedKey) {
                _ = try await provider.unwrap(
                    WrappedRootKey(ciphertext: Array(text.utf8), kekVersion: "2"), context: KMSTest.context)
            }
        }
        await expectRootKeyError(.unsupportedKey) {
            _ = try await provider.unwrap(
                WrappedRootKey(ciphertext: Array("vault:v1:AAAA".utf8), kekVersion: "2"), context: KMSTest.context)
        }
    }

    @Test func theTokenComesFromTheSecretsFileOrVaultsOwnFile() async throws {
        let home = TemporaryDirectory()
        let location = try provider().transit
        let secrets = home.file("secrets")
        // Nothing anywhere: the error names every place it looked.
        let missing = await expectRootKeyError(.authFailed) {
            _ = try VaultTransitProvider(
                location, credentials: ProviderCredentials(environment: ["HOME": home.path], secretsDirectory: secrets))
        }
        #expect(missing?.message.contains("vault-transit.token") == true)
        #expect(missing?.message.contains(".vault-token") == true)
        // $HOME/.vault-token, where `vault login` leaves it.
        try KMSTest.writeSecret(rootToken, to: home.file(".vault-token"))
        let fromHome = try VaultTransitProvider(
            location, credentials: ProviderCredentials(environment: ["HOME": home.path], secretsDirectory: secrets))
        #expect(try await fromHome.describe().kekVersion == "1")
        // <home>/secrets/vault-transit.token comes first.
        try KMSTest.writeSecret("not-the-token", to: FilePath.join(secrets, "vault-transit.token"))
        let fromSecrets = try VaultTransitProvider(
            location, credentials: ProviderCredentials(environment: ["HOME": home.path], secretsDirectory: secrets))
        await expectRootKeyError(.authFailed, hiding: ["not-the-token", rootToken]) {
            _ = try await fromSecrets.describe()
        }
    }
}
