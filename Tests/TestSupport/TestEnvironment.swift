import Foundation

/// TestEnvironment reads what the scripts/with-* wrappers export for the tests (a server's
/// address, a token, a browser). A missing value fails the test with the way to set it; it never
/// skips the test.
public enum TestEnvironment {
    public static func required(_ name: String, from script: String = "scripts/test") throws -> String {
        guard let value = ProcessInfo.processInfo.environment[name], !value.isEmpty else {
            let through = script == "scripts/test" ? script : "\(script) (scripts/test does)"
            throw TestRootKey.Missing(description: "\(name) is not set: run the tests through \(through)")
        }
        return value
    }
}
