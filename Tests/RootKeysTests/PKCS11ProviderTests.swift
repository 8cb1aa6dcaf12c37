import ActorKeys
import Foundation
import Testing

@testable import RootKeys

/// The PKCS#11 provider against a real SoftHSM2 token, which `scripts/with-softhsm` creates:
/// `swift test` outside it fails with the instructions, it never skips. Serialised, so that the
/// module's load and finalise cycle is seen as it is.
@Suite(.serialized) struct PKCS11ProviderTests {
    let softHSM: SoftHSM

    init() throws {
        softHSM = try SoftHSM()
    }

    @Test func anAESKeyWrapsAndUnwrapsASealingKey() async throws {
        let provider = try softHSM.provider(object: "root", type: "secret-key")
        let key = SecretBytes.random(count: 32)
        let wrapped = try await provider.wrap(key, context: .test)
        #expect(wrapped.kekVersion == "01")
        // RFC 5649: 16 bytes of binding and 32 of key, plus the 8-byte integrity block.
        #expect(wrapped.ciphertext.count == 56)
        let unwrapped = try await provider.unwrap(wrapped, context: .test)
        #expect(unwrapped.constantTimeEquals(key))
    }

    @Test func anRSAKeyPairWrapsAndUnwrapsASealingKey() async throws {
        let provider = try softHSM.provider(object: "root-rsa", type: "private")
        let key = SecretBytes.random(count: 32)
        let wrapped = try await provider.wrap(key, context: .test)
        #expect(wrapped.kekVersion == "02")
        #expect(wrapped.ciphertext.count == 256)
        let unwrapped = try await provider.unwrap(wrapped, context: .test)
        #expect(unwrapped.constantTimeEquals(key))
    }

    @Test func describeNamesTheKeyAndItsID() async throws {
        let aes = try await softHSM.provider(object: "root", type: "secret-key").describe()
        #expect(aes == RootKeyFacts(kekID: "pkcs11:token=actorkeys;object=root;type=secret-key", kekVersion: "01"))
        let untyped = try await softHSM.provider(object: "root", type: nil).describe()
        #expect(untyped == aes)
        let rsa = try await softHSM.provider(object: "root-rsa", type: nil).describe()
        #expect(rsa == RootKeyFacts(kekID: "pkcs11:token=actorkeys;object=root-rsa;type=private", kekVersion: "02"))
    }

    @Test func aWrongPINIsAuthFailedAndNeverShown() async throws {
        let wrongPIN = "wrong-\(UInt32.random(in: 0...UInt32.max))"
        let file = try softHSM.secretFile(wrongPIN)
        defer { unlink(file) }
        let provider = try softHSM.provider(object: "root", type: nil, token: try softHSM.pinTestToken(), pinFile: file)
        let error = await #expect(throws: RootKeyError.self) { try await provider.describe() }
        #expect(error?.code == .authFailed)
        #expect(error?.message.contains("CKR_PIN_INCORRECT") == true)
        #expect(error?.description.contains(wrongPIN) == false)
        #expect(error?.description.contains(softHSM.pin) == false)
    }

    @Test func aMissingPINIsAuthFailedWhenOpening() throws {
        let location = PKCS11Location(
            token: softHSM.token, object: "root", modulePath: softHSM.module, pinSource: nil)
        let nowhere = ProviderCredentials(environment: [:], secretsDirectory: nil)
        let error = #expect(throws: RootKeyError.self) { try PKCS11Provider(location, credentials: nowhere) }
        #expect(error?.code == .authFailed)
        let missingFile = PKCS11Location(
            token: softHSM.token, object: "root", modulePath: softHSM.module, pinSource: "file:/nonexistent/pin")
        let missing = #expect(throws: RootKeyError.self) { try PKCS11Provider(missingFile, credentials: nowhere) }
        #expect(missing?.code == .authFailed)
    }

    @Test func thePINMayComeFromTheEnvironment() async throws {
        let location = PKCS11Location(
            token: softHSM.token, object: "root", modulePath: softHSM.module, pinSource: nil)
        let credentials = ProviderCredentials(environment: ["ACTORKEYS_PKCS11_PIN": softHSM.pin], secretsDirectory: nil)
        let facts = try await PKCS11Provider(location, credentials: credentials).describe()
        #expect(facts.kekVersion == "01")
    }

    @Test func anUnknownTokenOrObjectIsKeyNotFound() async throws {
        let token = await #expect(throws: RootKeyError.self) {
            try await softHSM.provider(object: "root", type: nil, token: "no-such-token").describe()
        }
        #expect(token?.code == .keyNotFound)
        let object = await #expect(throws: RootKeyError.self) {
            try await softHSM.provider(object: "no-such-key", type: nil).describe()
        }
        #expect(object?.code == .keyNotFound)
        let wrongType = await #expect(throws: RootKeyError.self) {
            try await softHSM.provider(object: "root", type: "private").describe()
        }
        #expect(wrongType?.code == .keyNotFound)
    }

    @Test func aModuleThatDoesNotLoadIsInvalidURI() async throws {
        let location = PKCS11Location(
            token: softHSM.token, object: "root", modulePath: "/nonexistent/libpkcs11.so",
            pinSource: "file:\(softHSM.pinFile)")
        let provider = try PKCS11Provider(location, credentials: softHSM.noCredentials)
        let error = await #expect(throws: RootKeyError.self) { try await provider.describe() }
        #expect(error?.code == .invalidURI)
        #expect(error?.message.hasPrefix("cannot load the PKCS#11 module /nonexistent/libpkcs11.so") == true)
    }

    @Test func aKeyThatCannotWrapIsUnsupported() async throws {
        let error = await #expect(throws: RootKeyError.self) {
            try await softHSM.provider(object: "root-ec", type: "private").describe()
        }
        #expect(error?.code == .unsupportedKey)
    }

    @Test(arguments: ["root", "root-rsa"])
    func aWrappedKeyRefusesAnotherContext(object: String) async throws {
        let provider = try softHSM.provider(object: object, type: nil)
        let wrapped = try await provider.wrap(SecretBytes.random(count: 32), context: .test)
        let other = WrapContext(workspace: "another-workspace", purpose: "sealing-key")
        let error = await #expect(throws: RootKeyError.self) { try await provider.unwrap(wrapped, context: other) }
        #expect(error?.code == .unsupportedKey)
        #expect(error?.message.contains("another context") == true)
    }

    @Test(arguments: ["root", "root-rsa"])
    func aTamperedWrappedKeyDoesNotUnwrap(object: String) async throws {
        let provider = try softHSM.provider(object: object, type: nil)
        let wrapped = try await provider.wrap(SecretBytes.random(count: 32), context: .test)
        for index in [0, wrapped.ciphertext.count / 2, wrapped.ciphertext.count - 1] {
            var ciphertext = wrapped.ciphertext
            ciphertext[index] ^= 0x01
            let tampered = WrappedRootKey(ciphertext: ciphertext, kekVersion: wrapped.kekVersion)
            let error = await #expect(throws: RootKeyError.self) { try await provider.unwrap(tampered, context: .test) }
            #expect(error?.code == .unsupportedKey)
        }
        let truncated = WrappedRootKey(ciphertext: Array(wrapped.ciphertext.dropLast(8)), kekVersion: "01")
        let error = await #expect(throws: RootKeyError.self) { try await provider.unwrap(truncated, context: .test) }
        #expect(error?.code == .unsupportedKey)
    }

    @Test func eightTasksWrapAndUnwrapAtOnce() async throws {
        let aes = try softHSM.provider(object: "root", type: nil)
        let rsa = try softHSM.provider(object: "root-rsa", type: nil)
        let results = try await withThrowingTaskGroup(of: Bool.self) { group in
            for index in 0..<8 {
                let provider = index.isMultiple(of: 2) ? aes : rsa
                group.addTask {
                    var ok = true
                    for _ in 0..<4 {
                        let key = SecretBytes.random(count: 32)
                        let wrapped = try await provider.wrap(key, context: .test)
                        ok = try await provider.unwrap(wrapped, context: .test).constantTimeEquals(key) && ok
                    }
                    return ok
                }
            }
            return try await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(results == Array(repeating: true, count: 8))
    }

    @Test func theModuleIsFinalisedWithItsLastProviderAndLoadsAgain() async throws {
        for _ in 0..<3 {
            do {
                let provider = try softHSM.provider(object: "root", type: nil)
                let key = SecretBytes.random(count: 32)
                let wrapped = try await provider.wrap(key, context: .test)
                #expect(try await provider.unwrap(wrapped, context: .test).constantTimeEquals(key))
                #expect(PKCS11Module.loadedCount == 1)
            }
            // The call's thread lets go of the provider just after it answers.
            for _ in 0..<100 where PKCS11Module.loadedCount > 0 { try await Task.sleep(for: .milliseconds(10)) }
            #expect(PKCS11Module.loadedCount == 0)
        }
    }

    @Test func noErrorShowsThePIN() async throws {
        var errors: [RootKeyError] = []
        let attempts: [(object: String, type: String?, token: String)] = [
            ("root", nil, "no-such-token"), ("no-such-key", nil, softHSM.token), ("root-ec", "private", softHSM.token),
        ]
        for attempt in attempts {
            do {
                _ = try await softHSM.provider(object: attempt.object, type: attempt.type, token: attempt.token)
                    .describe()
            } catch {
                errors.append(error)
            }
        }
        let wrapped = try await softHSM.provider(object: "root", type: nil).wrap(.random(count: 32), context: .test)
        do {
            _ = try await softHSM.provider(object: "root", type: nil).unwrap(
                wrapped, context: WrapContext(workspace: "other", purpose: "other"))
        } catch {
            errors.append(error)
        }
        #expect(errors.count == 4)
        for error in errors {
            #expect(!error.description.contains(softHSM.pin))
            #expect(!String(reflecting: error).contains(softHSM.pin))
        }
    }

    @Test func aCallThatHangsTimesOutWithoutBlockingTheCaller() async throws {
        let started = ContinuousClock.now
        let error = await #expect(throws: RootKeyError.self) {
            try await BlockingCall.run(timeout: .milliseconds(200), "a hung module") { () throws(RootKeyError) in
                usleep(6_000_000)
            }
        }
        #expect(error?.code == .networkError)
        // Well before the hung call returns, with room for a loaded machine running the suite.
        #expect(ContinuousClock.now - started < .seconds(4))
    }
}

extension WrapContext {
    static let test = WrapContext(workspace: "pkcs11-test", purpose: "sealing-key")
}
