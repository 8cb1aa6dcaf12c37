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

/// `POST /v1/admin/encryption/test-connection` against the real providers on loopback
/// (OpenBao, SoftHSM2, moto) and the Azure Key Vault test double, as scripts/test runs them.
@Suite("test-connection against every provider", .serialized)
struct TestConnectionTests {
    static func json(_ fields: [String: String]) -> String {
        String(decoding: try! JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys]), as: UTF8.self)
    }

    @Test("each provider: ok with its key's id and version, each failure with its code, never a secret, nothing saved")
    func everyProvider() async throws {
        let fixture = try await APIFixture(.sqlite)
        let admin = fixture.base.admin
        _ = try await admin.enroll(fixture.base.id("infra"), keys: .optIn, permissions: Permissions(isInfraAdmin: true))
        let infra = try await admin.createToken(for: fixture.base.id("infra")).token
        let vaultAddress = try TestEnvironment.required("ACTORKEYS_TEST_VAULT_ADDR")
        let vaultToken = try TestEnvironment.required("ACTORKEYS_TEST_VAULT_TOKEN")
        let awsSecret = try TestEnvironment.required("ACTORKEYS_TEST_AWS_SECRET_ACCESS_KEY")
        let azureSecret = try TestEnvironment.required("ACTORKEYS_TEST_AZURE_CLIENT_SECRET")
        let pin = try String(
            contentsOfFile: try TestEnvironment.required("ACTORKEYS_TEST_PKCS11_PIN_FILE"), encoding: .utf8
        )
        .trimmingCharacters(in: .whitespacesAndNewlines)
        let vault = [
            "provider": "vault-transit", "address": vaultAddress, "key_name": "actorkeys", "token": vaultToken,
        ]
        let aws = [
            "provider": "aws-kms", "key_id": try TestEnvironment.required("ACTORKEYS_TEST_AWS_KEY_ID"),
            "region": try TestEnvironment.required("ACTORKEYS_TEST_AWS_REGION"),
            "endpoint": try TestEnvironment.required("ACTORKEYS_TEST_AWS_ENDPOINT"),
            "access_key_id": try TestEnvironment.required("ACTORKEYS_TEST_AWS_ACCESS_KEY_ID"),
            "secret_access_key": awsSecret,
        ]
        let azureEndpoint = try TestEnvironment.required("ACTORKEYS_TEST_AZURE_ENDPOINT")
        let azure = [
            "provider": "azure-keyvault",
            "vault_url": "https://\(try TestEnvironment.required("ACTORKEYS_TEST_AZURE_VAULT_NAME")).vault.azure.net",
            "tenant_id": try TestEnvironment.required("ACTORKEYS_TEST_AZURE_TENANT_ID"),
            "client_id": try TestEnvironment.required("ACTORKEYS_TEST_AZURE_CLIENT_ID"), "client_secret": azureSecret,
            "key_name": "actorkeys", "endpoint": azureEndpoint, "authority": azureEndpoint,
        ]
        let pkcs11 = [
            "provider": "pkcs11", "module_path": try TestEnvironment.required("ACTORKEYS_TEST_PKCS11_MODULE"),
            "token_label": try TestEnvironment.required("ACTORKEYS_TEST_PKCS11_TOKEN"), "key_label": "root", "pin": pin,
        ]
        func with(_ base: [String: String], _ changes: [String: String]) -> [String: String] {
            base.merging(changes) { $1 }
        }
        let cases: [(String, [String: String], String?)] = [
            ("vault", vault, nil), ("aws", aws, nil), ("azure", azure, nil), ("pkcs11", pkcs11, nil),
            ("local", ["provider": "local"], nil),
            (
                "vault wrong token", with(vault, ["token": "s.wrong-\(UInt32.random(in: 0...UInt32.max))"]),
                "auth_failed"
            ),
            ("vault no token", vault.filter { $0.key != "token" }, "auth_failed"),
            ("vault unknown key", with(vault, ["key_name": "no-such-key"]), "key_not_found"),
            (
                "vault weak token",
                with(vault, ["token": try TestEnvironment.required("ACTORKEYS_TEST_VAULT_NOPERM_TOKEN")]),
                "permission_denied"
            ),
            ("vault unreachable", with(vault, ["address": "http://127.0.0.1:1"]), "network_error"),
            ("vault malformed address", with(vault, ["address": "vault.example.com"]), "invalid_uri"),
            ("vault cannot wrap", with(vault, ["key_name": "signing"]), "unsupported_key"),
            ("aws wrong secret", with(aws, ["secret_access_key": "wrong" + awsSecret.dropFirst(5)]), "auth_failed"),
            ("azure wrong vault url", with(azure, ["vault_url": "https://example.com"]), "invalid_uri"),
            ("azure wrong secret", with(azure, ["client_secret": "wrong-secret"]), "auth_failed"),
            ("pkcs11 unknown key", with(pkcs11, ["key_label": "no-such-key"]), "key_not_found"),
            ("pkcs11 key that cannot wrap", with(pkcs11, ["key_label": "root-ec"]), "unsupported_key"),
            ("pkcs11 missing module", with(pkcs11, ["module_path": "/nonexistent/libnothing.so"]), "invalid_uri"),
        ]
        let rootsBefore = try await fixture.base.store.rootKeys()
        try await fixture.application().test(.router) { client in
            let denied = try await client.call(
                .post, "/v1/admin/encryption/test-connection", as: fixture.tokens["ops"], json: Self.json(vault))
            #expect(denied.status == 403 && denied.errorMessage.contains("is_infra_admin"))
            for (name, fields, expected) in cases {
                let reply = try await client.call(
                    .post, "/v1/admin/encryption/test-connection", as: infra, json: Self.json(fields))
                #expect(reply.status == 200, "\(name): \(reply.text)")
                if let expected {
                    #expect(reply.json["ok"] as? Bool == false, "\(name): \(reply.text)")
                    #expect(reply.json["error_code"] as? String == expected, "\(name): \(reply.text)")
                    #expect((reply.json["error_detail"] as? String)?.isEmpty == false)
                } else {
                    #expect(reply.json["ok"] as? Bool == true, "\(name): \(reply.text)")
                    #expect(reply.json["kek_id"] is String && reply.json["kek_version"] is String, "\(name)")
                }
                for secret in [vaultToken, awsSecret, azureSecret, pin] {
                    #expect(!reply.text.contains(secret), "\(name): the answer repeats a secret")
                }
            }
            let unknown = try await client.call(
                .post, "/v1/admin/encryption/test-connection", as: infra, json: #"{"provider":"gcp-kms"}"#)
            #expect(unknown.status == 422)
        }
        #expect(try await fixture.base.store.rootKeys() == rootsBefore, "a test saved something")
        let audit = try await fixture.base.store.auditEvents(limit: 1000)
        #expect(audit.filter { $0.eventType == "admin.encryption.test_connection.success" }.count == cases.count)
        #expect(audit.contains { $0.eventType == "admin.encryption.test_connection.error.permission_denied" })
        for event in audit {
            for secret in [vaultToken, awsSecret, azureSecret, pin] { #expect(!event.details.contains(secret)) }
        }
    }
}
