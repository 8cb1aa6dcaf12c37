import Foundation

/// TestRootKey is each root key provider the end-to-end tests run against, as URIs and the
/// environment a node needs for it. The servers and tokens come from the scripts that start
/// them (`scripts/test` starts them all); a provider whose variables are missing fails the test
/// with the script to run: it never skips.
public enum TestRootKey: String, CaseIterable, Sendable, CustomStringConvertible {
    case local
    case pkcs11

    public var description: String { rawValue }

    /// The providers every node of a test can reach without sharing a disk.
    public static let remote: [TestRootKey] = [.pkcs11]

    public struct Missing: Error, CustomStringConvertible {
        public let description: String
        public init(description: String) { self.description = description }
    }

    static func required(_ name: String, script: String) throws -> String {
        guard let value = ProcessInfo.processInfo.environment[name], !value.isEmpty else {
            throw Missing(description: "\(name) is not set: run the tests through \(script) (scripts/test does)")
        }
        return value
    }

    /// The root key URI; `home` is the first node's home folder (for `local:`).
    public func uri(home: String) throws -> String {
        switch self {
        case .local:
            return "local:\(home)/keys/root.key"
        case .pkcs11:
            let module = try Self.required("ACTORKEYS_TEST_PKCS11_MODULE", script: "scripts/with-softhsm")
            let pin = try Self.required("ACTORKEYS_TEST_PKCS11_PIN_FILE", script: "scripts/with-softhsm")
            let token = try Self.required("ACTORKEYS_TEST_PKCS11_TOKEN", script: "scripts/with-softhsm")
            return "pkcs11:token=\(token);object=root?module-path=\(module)&pin-source=file:\(pin)"
        }
    }

    /// Secrets a test must never find in a file, the database, a log or the audit trail.
    public func secrets() throws -> [String] {
        switch self {
        case .local: return []
        case .pkcs11:
            let file = try Self.required("ACTORKEYS_TEST_PKCS11_PIN_FILE", script: "scripts/with-softhsm")
            return [try String(contentsOfFile: file, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)]
        }
    }
}
