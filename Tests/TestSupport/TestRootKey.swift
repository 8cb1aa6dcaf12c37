import Foundation

/// TestRootKey is each root key provider the end-to-end tests run against, as the URI and the
/// environment a node needs for it. The servers, tokens and keys come from the scripts that
/// start them (`scripts/test` starts them all for the run); a provider whose variables are
/// missing fails the test with the script to run: it never skips.
public enum TestRootKey: String, CaseIterable, Sendable, CustomStringConvertible {
    case local
    case pkcs11
    case vaultTransit = "vault-transit"
    case awsKMS = "aws-kms"
    case azureKeyVault = "azure-keyvault"

    public var description: String { rawValue }

    /// The providers every node of a test can reach without sharing a disk.
    public static let remote: [TestRootKey] = [.pkcs11, .vaultTransit, .awsKMS, .azureKeyVault]

    public struct Missing: Error, CustomStringConvertible {
        public let description: String
        public init(description: String) { self.description = description }
    }

    var script: String {
        switch self {
        case .local: ""
        case .pkcs11: "scripts/with-softhsm"
        case .vaultTransit: "scripts/with-openbao"
        case .awsKMS: "scripts/with-moto"
        case .azureKeyVault: "scripts/with-azure-test-server"
        }
    }

    func required(_ name: String) throws -> String { try TestEnvironment.required(name, from: script) }

    /// The root key URI; `home` is the first node's home folder (for `local:`).
    public func uri(home: String) throws -> String {
        switch self {
        case .local:
            return "local:\(home)/keys/root.key"
        case .pkcs11:
            return "pkcs11:token=\(try required("ACTORKEYS_TEST_PKCS11_TOKEN"));object=root"
                + "?module-path=\(try required("ACTORKEYS_TEST_PKCS11_MODULE"))"
                + "&pin-source=file:\(try required("ACTORKEYS_TEST_PKCS11_PIN_FILE"))"
        case .vaultTransit:
            let address = try required("ACTORKEYS_TEST_VAULT_ADDR")
            return "vault-transit://\(address.dropFirst("http://".count))/transit/actorkeys?tls=off"
        case .awsKMS:
            return
                "aws-kms://\(try required("ACTORKEYS_TEST_AWS_KEY_ID"))?region=\(try required("ACTORKEYS_TEST_AWS_REGION"))"
                + "&endpoint=\(Self.encoded(try required("ACTORKEYS_TEST_AWS_ENDPOINT")))"
        case .azureKeyVault:
            let endpoint = Self.encoded(try required("ACTORKEYS_TEST_AZURE_ENDPOINT"))
            return "azure-keyvault://\(try required("ACTORKEYS_TEST_AZURE_VAULT_NAME")).vault.azure.net/keys/actorkeys"
                + "?endpoint=\(endpoint)&authority=\(endpoint)"
        }
    }

    /// The credentials a node of this provider finds in its environment, as each ecosystem
    /// names them.
    public func credentials() throws -> [String: String] {
        switch self {
        case .local, .pkcs11:
            return [:]
        case .vaultTransit:
            return ["VAULT_TOKEN": try required("ACTORKEYS_TEST_VAULT_TOKEN")]
        case .awsKMS:
            return [
                "AWS_ACCESS_KEY_ID": try required("ACTORKEYS_TEST_AWS_ACCESS_KEY_ID"),
                "AWS_SECRET_ACCESS_KEY": try required("ACTORKEYS_TEST_AWS_SECRET_ACCESS_KEY"),
            ]
        case .azureKeyVault:
            return [
                "AZURE_TENANT_ID": try required("ACTORKEYS_TEST_AZURE_TENANT_ID"),
                "AZURE_CLIENT_ID": try required("ACTORKEYS_TEST_AZURE_CLIENT_ID"),
                "AZURE_CLIENT_SECRET": try required("ACTORKEYS_TEST_AZURE_CLIENT_SECRET"),
            ]
        }
    }

    /// Secrets a test must never find in a file, the database, a log or the audit trail.
    public func secrets() throws -> [String] {
        switch self {
        case .local: return []
        case .pkcs11:
            let file = try required("ACTORKEYS_TEST_PKCS11_PIN_FILE")
            return [try String(contentsOfFile: file, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)]
        case .vaultTransit: return [try required("ACTORKEYS_TEST_VAULT_TOKEN")]
        case .awsKMS: return [try required("ACTORKEYS_TEST_AWS_SECRET_ACCESS_KEY")]
        case .azureKeyVault: return [try required("ACTORKEYS_TEST_AZURE_CLIENT_SECRET")]
        }
    }

    static func encoded(_ url: String) -> String {
        url.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? url
    }
}
