import ActorKeys
import Admin
import AdminTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import Ledger
import TestSupport
import Testing

@testable import AdminHTTP

/// The provider configuration routes (`GET`/`PUT`/`DELETE /v1/admin/encryption/config`) against
/// the real OpenBao and SoftHSM2 that scripts/test starts: test first, save, move the root key,
/// keep a stored secret, fail half-way without a trace, and go back to the local root key.
@Suite("provider configuration routes", .serialized)
struct ConfigRoutesTests {
    static let config = "/v1/admin/encryption/config"

    struct Providers {
        let vault: [String: String]
        let pkcs11: [String: String]
        let secrets: [String]

        init() throws {
            let pin = try String(
                contentsOfFile: try TestEnvironment.required("ACTORKEYS_TEST_PKCS11_PIN_FILE"), encoding: .utf8
            ).trimmingCharacters(in: .whitespacesAndNewlines)
            let token = try TestEnvironment.required("ACTORKEYS_TEST_VAULT_TOKEN")
            vault = [
                "provider": "vault-transit",
                "address": try TestEnvironment.required("ACTORKEYS_TEST_VAULT_ADDR"),
                "key_name": "actorkeys", "token": token,
            ]
            pkcs11 = [
                "provider": "pkcs11",
                "module_path": try TestEnvironment.required("ACTORKEYS_TEST_PKCS11_MODULE"),
                "token_label": try TestEnvironment.required("ACTORKEYS_TEST_PKCS11_TOKEN"), "key_label": "root",
                "pin": pin,
            ]
            secrets = [token, pin]
        }
    }

    @Test(
        "save tests first, moves the root key, keeps a blank secret, and a half-way failure leaves nothing",
        arguments: TestBackend.allCases)
    func saveAndRemove(_ backend: TestBackend) async throws {
        let fixture = try await APIFixture(backend)
        let providers = try Providers()
        let admin = fixture.base.admin
        _ = try await admin.enroll(fixture.base.id("infra"), keys: .optIn, permissions: Permissions(isInfraAdmin: true))
        let infra = try await admin.createToken(for: fixture.base.id("infra")).token
        let secrets = fixture.workspace.secretsDirectory
        let rows = try await fixture.base.write("alice", count: 3)
        let answers: String = try await fixture.application().test(.router) { client in
            var answers = ""
            func call(
                _ method: HTTPRequest.Method, _ fields: [String: String]? = nil, as token: String? = nil
            )
                async throws -> Reply
            {
                let reply = try await client.call(
                    method, Self.config, as: token ?? infra, json: fields.map(TestConnectionTests.json))
                answers += reply.text
                return reply
            }
            // Only infra admins; an admin without it is told what is missing.
            for method in [HTTPRequest.Method.get, .put, .delete] {
                let denied = try await call(method, providers.vault, as: fixture.tokens["ops"])
                #expect(denied.status == 403 && denied.errorMessage.contains("is_infra_admin"), "\(method)")
            }
            let initial = try await call(.get)
            #expect(initial.json["provider"] as? String == "local" && initial.json["source"] as? String == "uri")

            // A failing test is a 400 with the test's code, and changes nothing.
            let wrong = try await call(.put, providers.vault.merging(["token": "s.wrong-token-0123"]) { $1 })
            #expect(wrong.status == 400 && wrong.errorCode == "auth_failed", "\(wrong.text)")
            let unknownKey = try await call(.put, providers.vault.merging(["key_name": "no-such-key"]) { $1 })
            #expect(unknownKey.status == 400 && unknownKey.errorCode == "key_not_found")
            #expect(!FilePath.exists(FilePath.join(secrets, "vault-transit.token")))
            #expect(try await call(.get).json["provider"] as? String == "local")

            // A passing test saves: fields in the database, the token in a 0600 file, the root key moved.
            let saved = try await call(.put, providers.vault)
            #expect(saved.status == 200, "\(saved.text)")
            #expect(saved.json["provider"] as? String == "vault-transit" && saved.json["token_set"] as? Bool == true)
            #expect(saved.json["configured_by"] as? String == "actor:infra" && saved.json["source"] as? String == "api")
            #expect(saved.json["address"] as? String == providers.vault["address"])
            let tokenFile = FilePath.join(secrets, "vault-transit.token")
            #expect(try FileManager.default.attributesOfItem(atPath: tokenFile)[.posixPermissions] as? Int == 0o600)
            #expect(fixture.workspace.root.snapshot().provider == "vault-transit")
            #expect(try await fixture.base.expectReadable(rows))

            // A blank secret keeps the stored one (and is tested with it).
            let kept = try await call(.put, providers.vault.merging(["token": ""]) { $1 })
            #expect(kept.status == 200 && kept.json["token_set"] as? Bool == true, "\(kept.text)")

            // Another provider: the old provider's credential file goes once the move is done.
            let hsm = try await call(.put, providers.pkcs11)
            #expect(hsm.status == 200 && hsm.json["pin_set"] as? Bool == true, "\(hsm.text)")
            #expect(!FilePath.exists(tokenFile) && FilePath.exists(FilePath.join(secrets, "pkcs11.pin")))

            // Half-way failure: the new provider's test passes, but the one in force cannot unwrap
            // (its PIN is gone), so the move fails: no new secret file, the old root key in force.
            let pinFile = FilePath.join(secrets, "pkcs11.pin")
            let pin = try Data(contentsOf: URL(fileURLWithPath: pinFile))
            try FileManager.default.removeItem(atPath: pinFile)
            let rootsBefore = try await fixture.base.store.rootKeys().filter { $0.state == .active }
            let halfway = try await call(.put, providers.vault)
            #expect(halfway.status == 503, "\(halfway.text)")
            #expect(!FilePath.exists(tokenFile), "a failed save left its secret file behind")
            #expect(try await fixture.base.store.rootKeys().filter { $0.state == .active } == rootsBefore)

            // Removal while the provider cannot unwrap: says so, and nothing changes.
            let refused = try await call(.delete)
            #expect(refused.status == 200 && refused.json["removed"] as? Bool == false, "\(refused.text)")
            #expect(
                refused.json["fallback_available"] as? Bool == false
                    && refused.json["error_code"] as? String == "auth_failed")
            #expect(try await fixture.base.store.rootKeys().filter { $0.state == .active } == rootsBefore)

            // With the PIN back, removal moves to the local root key and erases the PIN file.
            FileManager.default.createFile(atPath: pinFile, contents: pin, attributes: [.posixPermissions: 0o600])
            let removed = try await call(.delete)
            #expect(removed.status == 200 && removed.json["removed"] as? Bool == true, "\(removed.text)")
            #expect(removed.json["fallback_available"] as? Bool == true)
            #expect(!FilePath.exists(pinFile))
            #expect(try await call(.get).json["provider"] as? String == "local")
            #expect(try await call(.delete).status == 404)
            return answers
        }
        #expect(try await fixture.base.expectReadable(rows))
        let tables = try await fixture.base.store.textOfEveryRow(in: [
            "root_keys", "audit_events", "sealing_key_wraps", "actor_keys", "jobs", "scope_runs",
        ])
        for secret in providers.secrets {
            #expect(!answers.contains(secret), "a response repeats a secret")
            #expect(!tables.contains(secret), "the database holds a secret")
        }
        let events = try await fixture.base.store.auditEvents(limit: 1000).map(\.eventType)
        #expect(events.contains("admin.encryption.config.save.success"))
        #expect(events.contains("admin.encryption.config.save.error.auth_failed"))
        #expect(events.contains("admin.encryption.config.save.error.unavailable"))
        #expect(events.contains("admin.encryption.config.remove.success"))
    }

    @Test(
        "root rotate runs as a job kept in the database; status shows the root, its provider and the scopes",
        arguments: TestBackend.allCases)
    func rootRotationJob(_ backend: TestBackend) async throws {
        let fixture = try await APIFixture(backend)
        _ = try await fixture.base.write("alice", count: 2)
        let jobID: String = try await fixture.application().test(.router) { client in
            #expect(
                try await client.call(.post, "/v1/admin/encryption/root/rotate", as: fixture.tokens["alice"]).status
                    == 403)
            let started = try await client.call(.post, "/v1/admin/encryption/root/rotate", as: fixture.adminToken)
            #expect(started.status == 202, "\(started.text)")
            let id = try #require((started.json["job"] as? [String: Any])?["id"] as? String)
            var state = "running"
            for _ in 0..<200 where state == "running" {
                try await Task.sleep(for: .milliseconds(50))
                state =
                    try await client.call(.get, "/v1/admin/encryption/jobs/\(id)", as: fixture.adminToken).json["state"]
                    as? String ?? "?"
            }
            #expect(state == "succeeded")
            let rewrap = try await client.call(
                .post, "/v1/admin/encryption/rewrap", as: fixture.adminToken, json: #"{"actor_id":"alice"}"#)
            #expect(rewrap.status == 202)
            return id
        }
        // A new router (a restarted server) still answers for the job.
        try await fixture.application().test(.router) { client in
            let job = try await client.call(.get, "/v1/admin/encryption/jobs/\(jobID)", as: fixture.adminToken)
            #expect(job.status == 200 && job.json["kind"] as? String == "root_rotate", "\(job.text)")
            #expect(job.json["done"] as? Int == 1 && job.json["started_by"] as? String == "actor:admin")
            var scopes: [[String: Any]] = []
            for _ in 0..<200 where scopes.isEmpty {
                try await Task.sleep(for: .milliseconds(50))
                scopes =
                    try await client.call(.get, "/v1/admin/encryption/status", as: fixture.adminToken).json["scopes"]
                    as? [[String: Any]] ?? []
            }
            #expect(scopes.first?["name"] as? String == "alice" && scopes.first?["kind"] as? String == "rewrap")
            let fresh = try await client.call(.get, "/v1/admin/encryption/status?fresh=true", as: fixture.adminToken)
            let facts = try #require(fresh.json["provider_facts"] as? [String: Any], "\(fresh.text)")
            #expect(facts["rotation_due"] as? Bool == false && facts["kek_id"] is String)
            let root = try #require(fresh.json["root"] as? [String: Any])
            #expect(root["provider"] as? String == "local" && root["last_rotation_at"] is String)
            #expect(
                try await client.call(.get, "/v1/admin/encryption/status?fresh=maybe", as: fixture.adminToken).status
                    == 422)
        }
    }

    @Test("a job whose server stopped reads as interrupted once it has been silent for a minute")
    func interruptedJob() async throws {
        let fixture = try await APIFixture(.sqlite)
        let minutesAgo = Timestamp(millisecondsSinceEpoch: Timestamp.now().millisecondsSinceEpoch - 120_000)
        var stopped = JobRecord(
            id: "job_0123456789abcdef", kind: "rewrap", owner: "all", startedBy: "actor:admin", at: minutesAgo)
        stopped.done = 3
        try await fixture.base.store.saveJob(stopped)
        let stoppedID = stopped.id
        let live = JobRecord(id: "job_fedcba9876543210", kind: "rewrap", owner: "all", startedBy: "actor:admin")
        try await fixture.base.store.saveJob(live)
        try await fixture.application().test(.router) { client in
            let old = try await client.call(.get, "/v1/admin/encryption/jobs/\(stoppedID)", as: fixture.adminToken)
            #expect(old.json["state"] as? String == "interrupted" && old.json["done"] as? Int == 3, "\(old.text)")
            let running = try await client.call(.get, "/v1/admin/encryption/jobs/\(live.id)", as: fixture.adminToken)
            #expect(running.json["state"] as? String == "running", "\(running.text)")
        }
    }

    @Test(
        "an infra admin without is_admin sees the root key and scopes in status, no owners",
        arguments: [TestBackend.sqlite])
    func infraStatus(_ backend: TestBackend) async throws {
        let fixture = try await APIFixture(backend)
        let admin = fixture.base.admin
        _ = try await admin.enroll(fixture.base.id("infra"), keys: .optIn, permissions: Permissions(isInfraAdmin: true))
        let infra = try await admin.createToken(for: fixture.base.id("infra")).token
        try await fixture.application().test(.router) { client in
            let status = try await client.call(.get, "/v1/admin/encryption/status", as: infra)
            #expect(status.status == 200 && (status.json["owners"] as? [Any])?.isEmpty == true, "\(status.text)")
            #expect((status.json["root"] as? [String: Any])?["provider"] as? String == "local")
            let alice = try await client.call(.get, "/v1/admin/encryption/status", as: fixture.tokens["alice"])
            #expect(alice.status == 403 && alice.errorMessage.contains("is_admin"))
            #expect(try await client.call(.get, "/v1/admin/actors", as: infra).status == 403)
        }
    }
}
