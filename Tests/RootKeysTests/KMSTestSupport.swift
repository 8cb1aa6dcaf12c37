import ActorKeys
import Foundation
import RootKeys
import Testing

/// KMSTestEnvironment reads the variables a test-server script exported (scripts/with-openbao,
/// scripts/with-moto, scripts/with-azure-test-server). A missing one fails the test with the
/// command to run: these tests never skip, in CI (CI=true) or anywhere else.
struct KMSTestEnvironment {
    struct Missing: Error, CustomStringConvertible {
        let variable: String
        let script: String
        let suite: String

        var description: String {
            let ci = ProcessInfo.processInfo.environment["CI"] == "true"
            return "\(variable) is not set: the \(suite) need their test server; run them as "
                + "`scripts/\(script) swift test --filter \(suite)`"
                + (ci ? " (CI must run the test suite inside scripts/\(script))" : "")
        }
    }

    let script: String
    let suite: String

    func value(_ variable: String) throws -> String {
        guard let value = ProcessInfo.processInfo.environment[variable], !value.isEmpty else {
            throw Missing(variable: variable, script: script, suite: suite)
        }
        return value
    }
}

/// Runs `body` and checks that it throws a `RootKeyError` of `code` whose text holds none of
/// `secrets` (tokens, client secrets, keys). Returns the error for more checks.
@discardableResult
func expectRootKeyError(
    _ code: RootKeyErrorCode, hiding secrets: [String] = [], sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () async throws -> Void
) async -> RootKeyError? {
    do {
        try await body()
        Issue.record("expected \(code.rawValue), but the call succeeded", sourceLocation: sourceLocation)
        return nil
    } catch let error as RootKeyError {
        #expect(error.code == code, "\(error.code.rawValue): \(error.message)", sourceLocation: sourceLocation)
        for secret in secrets where !secret.isEmpty {
            #expect(!"\(error)".contains(secret), "an error shows a secret", sourceLocation: sourceLocation)
            #expect(!error.message.contains(secret), "an error shows a secret", sourceLocation: sourceLocation)
        }
        return error
    } catch {
        Issue.record("expected a RootKeyError, got \(error)", sourceLocation: sourceLocation)
        return nil
    }
}

/// Runs `body` against a port where nothing listens and checks that it fails as a network
/// error at once, as a refused connection: not retried until the call's deadline ("timed
/// out"). Alone it takes milliseconds; the wall time is not asserted because in the whole suite
/// the CLI tests' child processes hold both cooperative threads for seconds at a time, and the
/// call's continuation waits for one. A hang would still fail: at a minute.
func expectQuickNetworkError(
    sourceLocation: SourceLocation = #_sourceLocation, _ body: () async throws -> Void
) async {
    let start = ContinuousClock.now
    let error = await expectRootKeyError(.networkError, sourceLocation: sourceLocation, body)
    #expect(
        error?.message.contains("connection refused") == true, "\(error?.message ?? "")",
        sourceLocation: sourceLocation)
    #expect(ContinuousClock.now - start < .seconds(60), "an unreachable host hung", sourceLocation: sourceLocation)
}

enum KMSTest {
    /// The timeout of the providers pointed at a closed port.
    static let timeout: Duration = .seconds(2)

    /// The transport of a provider under test: the short timeout when `closedPort` is given.
    static func http(_ closedPort: Int?) -> ProviderHTTP {
        ProviderHTTP(timeout: closedPort == nil ? .seconds(15) : timeout)
    }

    /// A port on 127.0.0.1 where nothing listens (it was free a moment ago).
    static func closedPort() -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(descriptor, pointer, length)
                return getsockname(descriptor, pointer, &length)
            }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Two contexts that differ only in the workspace.
    static let context = WrapContext(workspace: "kms-test", purpose: "sealing-key")
    static let otherContext = WrapContext(workspace: "kms-test-other", purpose: "sealing-key")

    /// A short random name for a key a test makes for itself.
    static func uniqueName(_ prefix: String) -> String {
        prefix + "-" + String(UUID().uuidString.lowercased().prefix(8))
    }

    /// Writes a 0600 file holding `text` in `directory` (made if missing).
    static func writeSecret(_ text: String, to path: String) throws {
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        guard
            FileManager.default.createFile(
                atPath: path, contents: Data((text + "\n").utf8), attributes: [.posixPermissions: 0o600])
        else { throw CocoaError(.fileWriteUnknown) }
    }
}
