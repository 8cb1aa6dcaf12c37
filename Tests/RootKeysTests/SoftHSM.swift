import ActorKeys
import Foundation
import RootKeys

/// SoftHSM is the token `scripts/with-softhsm` made for this run, read from its environment
/// variables. Without them the tests fail with the command to run, never skip.
struct SoftHSM {
    struct MissingEnvironment: Error, CustomStringConvertible {
        let variable: String
        var description: String {
            "\(variable) is not set: the PKCS#11 tests need a SoftHSM2 token; run them as "
                + "`scripts/with-softhsm swift test --filter PKCS11ProviderTests` (it installs softhsm2 and opensc "
                + "if missing, creates the token, and sets SOFTHSM2_CONF, ACTORKEYS_TEST_PKCS11_MODULE, "
                + "ACTORKEYS_TEST_PKCS11_PIN_FILE and ACTORKEYS_TEST_PKCS11_TOKEN)"
        }
    }

    let module: String
    let pinFile: String
    let token: String
    /// The token's user PIN, to check that no error shows it.
    let pin: String
    let noCredentials = ProviderCredentials(environment: [:], secretsDirectory: nil)

    init() throws {
        let environment = ProcessInfo.processInfo.environment
        func required(_ name: String) throws -> String {
            guard let value = environment[name], !value.isEmpty else { throw MissingEnvironment(variable: name) }
            return value
        }
        _ = try required("SOFTHSM2_CONF")
        module = try required("ACTORKEYS_TEST_PKCS11_MODULE")
        pinFile = try required("ACTORKEYS_TEST_PKCS11_PIN_FILE")
        token = try required("ACTORKEYS_TEST_PKCS11_TOKEN")
        pin = try String(contentsOfFile: pinFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The token for wrong-PIN logins (see scripts/with-softhsm).
    func pinTestToken() throws -> String {
        guard let token = ProcessInfo.processInfo.environment["ACTORKEYS_TEST_PKCS11_PIN_TEST_TOKEN"], !token.isEmpty
        else { throw MissingEnvironment(variable: "ACTORKEYS_TEST_PKCS11_PIN_TEST_TOKEN") }
        return token
    }

    /// A provider for `object` on the test token (or `token`), its PIN from `pinFile`.
    func provider(
        object: String, type: String?, token: String? = nil, pinFile: String? = nil
    ) throws(RootKeyError) -> PKCS11Provider {
        var uri = "pkcs11:token=\(token ?? self.token);object=\(object)"
        if let type { uri += ";type=\(type)" }
        uri += "?module-path=\(module)&pin-source=file:\(pinFile ?? self.pinFile)"
        guard case .pkcs11(let location) = try RootKeyLocation(parsing: uri) else {
            throw RootKeyError(.invalidURI, "not a pkcs11 location: \(uri)")
        }
        return try PKCS11Provider(location, credentials: noCredentials)
    }

    /// A new 0600 file holding `text` (a PIN); the caller removes it.
    func secretFile(_ text: String) throws -> String {
        var template = Array("/tmp/actorkeys-pkcs11-pin.XXXXXX".utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard descriptor >= 0 else { throw MissingEnvironment(variable: "a temporary file") }
        defer { close(descriptor) }
        let bytes = Array((text + "\n").utf8)
        _ = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        return String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
