import Foundation
import Ledger
import TestSupport
import Testing

/// The web console in a real, headless Chromium against a running `actorkeys serve` and a real
/// OpenBao: Tests/Browser/console_test.py walks it as an infra admin and as a plain admin (see
/// its header), and this test checks what the walk left behind: the configuration moved the
/// root key and back, audited, with no secret in the database, the server's log or a file.
@Suite("web console in Chromium", .serialized)
struct ConsoleBrowserTests {
    @Test(
        "an infra admin configures, tests, saves, refreshes and removes a provider; a plain admin is sent away",
        arguments: TestBackend.allCases)
    func console(_ backend: TestBackend) async throws {
        let python = try TestEnvironment.required("ACTORKEYS_TEST_PYTHON")
        let vaultToken = try TestEnvironment.required("ACTORKEYS_TEST_VAULT_TOKEN")
        let nodes = try Nodes(backend, .local)
        let infraToken = try nodes.initialize()
        #expect(try nodes.run("a", "actor", "enroll", "ops", "--admin").status == 0)
        #expect(try nodes.run("a", "ledger", "append", "--actor", "ops", input: Array("a prompt".utf8)).status == 0)
        let created = try nodes.run("a", "token", "create", "--actor", "ops", "--json")
        let adminToken = try #require(
            (try JSONSerialization.jsonObject(with: Data(created.stdout)) as? [String: Any])?["token"] as? String)
        let server = try await ServerNode(nodes, node: "a")
        let screenshots =
            ProcessInfo.processInfo.environment["ACTORKEYS_CONSOLE_SCREENSHOTS"] ?? nodes.directory.file("screenshots")
        var environment = ProcessInfo.processInfo.environment
        environment["ACTORKEYS_CONSOLE_URL"] = server.base
        environment["ACTORKEYS_CONSOLE_INFRA_TOKEN"] = infraToken
        environment["ACTORKEYS_CONSOLE_ADMIN_TOKEN"] = adminToken
        environment["ACTORKEYS_CONSOLE_SCREENSHOTS"] = screenshots
        let walk = try TestSupport.run(
            python, [Tools.repositoryFile("Tests/Browser/console_test.py")], environment: environment)
        let log = server.stop()
        #expect(walk.status == 0, "the browser walk failed:\n\(walk.stdoutText)\n\(walk.stderr)")
        #expect(walk.stdoutText.contains(#"{"ok": true}"#))
        for name in ["overview", "actors", "encryption-configuration", "encryption-status", "guard"] {
            #expect(FileManager.default.fileExists(atPath: "\(screenshots)/console-\(name).png"), "\(name)")
        }

        let store = try await LedgerStore.open(try DatabaseURL(nodes.databaseURL))
        let roots = try await store.rootKeys()
        #expect(roots.first { $0.state == .active }?.provider == "local")
        #expect(roots.contains { $0.provider == "vault-transit" && $0.state == .retired })
        let events = try await store.auditEvents(limit: 1000).map(\.eventType)
        for event in [
            "admin.encryption.test_connection.success", "admin.encryption.config.save.success",
            "admin.encryption.config.remove.success", "admin.actor.set.success",
        ] {
            #expect(events.contains(event), "\(event) is not in the audit trail")
        }
        let database = try await nodes.databaseText()
        for secret in [vaultToken, infraToken, adminToken] {
            #expect(!database.contains(secret), "the database holds a secret")
            #expect(!log.contains(secret), "the server logged a secret")
        }
        for (path, data) in nodes.homeFiles() where !path.hasSuffix(".png") {
            #expect(!String(decoding: data, as: UTF8.self).contains(vaultToken), "\(path) holds the Vault token")
        }
    }
}
