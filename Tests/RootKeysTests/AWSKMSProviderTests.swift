import ActorKeys
import Foundation
import TestSupport
import Testing

@testable import RootKeys

/// The AWS KMS provider against moto with IAM authentication on, which `scripts/with-moto`
/// starts: every request must carry a valid SigV4 signature of a known access key, so these tests
/// check the signer as much as the provider. Outside that script they fail with the command.
struct AWSKMSProviderTests {
    let environment = KMSTestEnvironment(script: "with-moto", suite: "AWSKMSProviderTests")
    let endpoint: String
    let keyARN: String
    let accessKeyID: String
    let secretAccessKey: String

    init() throws {
        endpoint = try environment.value("ACTORKEYS_TEST_AWS_ENDPOINT")
        keyARN = try environment.value("ACTORKEYS_TEST_AWS_KEY_ID")
        accessKeyID = try environment.value("ACTORKEYS_TEST_AWS_ACCESS_KEY_ID")
        secretAccessKey = try environment.value("ACTORKEYS_TEST_AWS_SECRET_ACCESS_KEY")
    }

    func provider(
        key: String? = nil, accessKeyID: String? = nil, secret: String? = nil, endpoint: String? = nil,
        closedPort: Int? = nil
    ) throws(RootKeyError) -> AWSKMSProvider {
        let location = AWSKMSLocation(
            keyID: key ?? keyARN, region: "us-east-1",
            endpoint: closedPort.map { "http://127.0.0.1:\($0)" } ?? endpoint ?? self.endpoint)
        let credentials = ProviderCredentials(
            environment: [
                "AWS_ACCESS_KEY_ID": accessKeyID ?? self.accessKeyID,
                "AWS_SECRET_ACCESS_KEY": secret ?? secretAccessKey,
            ], secretsDirectory: nil)
        return try AWSKMSProvider(location, credentials: credentials, http: KMSTest.http(closedPort))
    }

    @Test func wrapsAndUnwrapsASealingKey() async throws {
        let provider = try provider()
        let key = SecretBytes.random(count: 32)
        let wrapped = try await provider.wrap(key, context: KMSTest.context)
        #expect(wrapped.kekVersion == "1")
        #expect(wrapped.ciphertext.count > 32)
        #expect(try await provider.unwrap(wrapped, context: KMSTest.context).constantTimeEquals(key))
        let rewrapped = try await provider.rewrap(wrapped, context: KMSTest.context)
        #expect(try await provider.unwrap(rewrapped, context: KMSTest.context).constantTimeEquals(key))
    }

    @Test func describesTheKeyByItsARN() async throws {
        let facts = try await provider().describe()
        #expect(facts == RootKeyFacts(kekID: keyARN, kekVersion: "1"))
        // By bare key id too: the ARN comes back.
        let keyID = String(keyARN.split(separator: "/").last!)
        #expect(try await provider(key: keyID).describe().kekID == keyARN)
    }

    @Test func aWrappedKeyDoesNotUnwrapWithAnotherContext() async throws {
        let provider = try provider()
        let wrapped = try await provider.wrap(SecretBytes.random(count: 32), context: KMSTest.context)
        await expectRootKeyError(.unsupportedKey, hiding: [secretAccessKey]) {
            _ = try await provider.unwrap(wrapped, context: KMSTest.otherContext)
        }
        // Not a blob of this provider's (KMS versions are always "1").
        await expectRootKeyError(.unsupportedKey) {
            _ = try await provider.unwrap(
                WrappedRootKey(ciphertext: wrapped.ciphertext, kekVersion: "2"), context: KMSTest.context)
        }
    }

    @Test func aWrongSecretIsAnAuthenticationFailure() async throws {
        // moto checks the signature: a secret one character off is refused.
        let wrongSecret = String(secretAccessKey.dropLast()) + (secretAccessKey.hasSuffix("x") ? "y" : "x")
        let provider = try provider(secret: wrongSecret)
        let error = await expectRootKeyError(.authFailed, hiding: [wrongSecret, secretAccessKey]) {
            _ = try await provider.describe()
        }
        #expect(error?.message.contains("SignatureDoesNotMatch") == true)
        await expectRootKeyError(.authFailed, hiding: [wrongSecret, secretAccessKey]) {
            _ = try await provider.wrap(SecretBytes.random(count: 32), context: KMSTest.context)
        }
        // An access key id that does not exist.
        await expectRootKeyError(.authFailed, hiding: [secretAccessKey]) {
            _ = try await self.provider(accessKeyID: "AKIAUNKNOWNEXAMPLE00").describe()
        }
    }

    @Test func missingCredentialsAreAnAuthenticationFailure() async throws {
        let location = AWSKMSLocation(keyID: keyARN, region: "us-east-1", endpoint: endpoint)
        let noSecret = await expectRootKeyError(.authFailed, hiding: [accessKeyID]) {
            _ = try AWSKMSProvider(
                location,
                credentials: ProviderCredentials(environment: ["AWS_ACCESS_KEY_ID": accessKeyID], secretsDirectory: nil)
            )
        }
        #expect(noSecret?.message.contains("AWS_SECRET_ACCESS_KEY") == true)
        await expectRootKeyError(.authFailed) {
            _ = try AWSKMSProvider(location, credentials: ProviderCredentials(environment: [:], secretsDirectory: nil))
        }
        // The files under <home>/secrets/ serve as well.
        let home = TemporaryDirectory()
        try KMSTest.writeSecret(accessKeyID, to: home.file("secrets/aws-kms.access_key_id"))
        try KMSTest.writeSecret(secretAccessKey, to: home.file("secrets/aws-kms.secret_access_key"))
        let fromFiles = try AWSKMSProvider(
            location, credentials: ProviderCredentials(environment: [:], secretsDirectory: home.file("secrets")))
        #expect(try await fromFiles.describe().kekID == keyARN)
    }

    @Test func anUnknownKeyIsNotFound() async throws {
        let unknown = "arn:aws:kms:us-east-1:123456789012:key/00000000-0000-4000-8000-000000000000"
        let provider = try provider(key: unknown)
        await expectRootKeyError(.keyNotFound, hiding: [secretAccessKey]) { _ = try await provider.describe() }
        await expectRootKeyError(.keyNotFound, hiding: [secretAccessKey]) {
            _ = try await provider.wrap(SecretBytes.random(count: 32), context: KMSTest.context)
        }
    }

    @Test func aUserWithoutPermissionIsDenied() async throws {
        let noPermissionID = try environment.value("ACTORKEYS_TEST_AWS_NOPERM_ACCESS_KEY_ID")
        let noPermissionSecret = try environment.value("ACTORKEYS_TEST_AWS_NOPERM_SECRET_ACCESS_KEY")
        let provider = try provider(accessKeyID: noPermissionID, secret: noPermissionSecret)
        await expectRootKeyError(.permissionDenied, hiding: [noPermissionSecret]) { _ = try await provider.describe() }
        await expectRootKeyError(.permissionDenied, hiding: [noPermissionSecret]) {
            _ = try await provider.wrap(SecretBytes.random(count: 32), context: KMSTest.context)
        }
    }

    @Test func disabledAndAsymmetricKeysAreRefused() async throws {
        let disabled = try environment.value("ACTORKEYS_TEST_AWS_DISABLED_KEY_ID")
        let rsa = try environment.value("ACTORKEYS_TEST_AWS_RSA_KEY_ID")
        let error = await expectRootKeyError(.unsupportedKey) { _ = try await self.provider(key: disabled).describe() }
        #expect(error?.message.contains("Disabled") == true)
        await expectRootKeyError(.unsupportedKey) { _ = try await self.provider(key: rsa).describe() }
    }

    @Test func anUnreachableEndpointIsANetworkError() async throws {
        let provider = try provider(closedPort: KMSTest.closedPort())
        await expectQuickNetworkError { _ = try await provider.describe() }
    }

    @Test func errorTypesAreReadWithOrWithoutANamespace() {
        func type(_ body: String) -> String? { AWSKMSProvider.errorType(Array(body.utf8)) }
        #expect(type(#"{"__type":"com.amazonaws.kms#NotFoundException","message":"x"}"#) == "NotFoundException")
        #expect(type(#"{"__type":"NotFoundException"}"#) == "NotFoundException")
        #expect(
            type(
                #"{"__type":"UnrecognizedClientException:http://internal.amazon.com/coral/com.amazon.coral.service/"}"#)
                == "UnrecognizedClientException")
        #expect(
            type("<ErrorResponse><Error><Code>SignatureDoesNotMatch</Code></Error></ErrorResponse>")
                == "SignatureDoesNotMatch")
        #expect(type("<html>bad gateway</html>") == nil)
        #expect(type(#"{"message":"no type"}"#) == nil)
    }
}
