import Admin
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import Yams

@testable import AdminHTTP

/// Rules over several fields of a request (mutually exclusive fields, a body that must change
/// something, a provider's own required fields, a reserved name) are stated in /openapi.yaml
/// and enforced by decoding: what schemathesis checks from the outside.
@Suite("request schema rules")
struct SchemaRulesTests {
    @Test("each rule is refused with 422 and its reason; the same bodies without the fault are accepted")
    func enforced() async throws {
        let fixture = try await APIFixture(.sqlite)
        try await fixture.application().test(.router) { client in
            let admin = fixture.adminToken
            let refused: [(HTTPRequest.Method, String, String, String)] = [
                (
                    .post, "/v1/admin/encryption/rewrap", #"{"actor_id":"alice","all":true}"#,
                    "at most one of actor_id and all"
                ),
                (.post, "/v1/admin/encryption/rewrap", #"{"actor_id":"alice","all":false}"#, "at most one"),
                (.patch, "/v1/admin/actors/alice", "{}", "at least one field"),
                (.patch, "/v1/admin/actors/alice", "", "at least one field"),
                (
                    .post, "/v1/ledger/entries", #"{"actor_id":"alice","payload":"a","payload_base64":"YQ=="}"#,
                    "exactly one"
                ),
                (.post, "/v1/ledger/entries", #"{"actor_id":"alice"}"#, "exactly one of payload and payload_base64"),
                (.post, "/v1/ledger/entries", #"{"actor_id":"alice","payload_base64":"YR=="}"#, "payload_base64"),
                (.post, "/v1/admin/encryption/rotate-key", #"{"name":"primary"}"#, "must not be primary"),
                (.post, "/v1/ledger/entries", #"{"actor_id":"alice","payload":"a\u0000b"}"#, "must not contain NUL"),
                (
                    .put, "/v1/admin/encryption/config",
                    #"{"provider":"pkcs11","module_path":"/x.so","key_label":"k"}"#,
                    "field \"token_label\" is required when provider is pkcs11"
                ),
                (
                    .post, "/v1/admin/encryption/test-connection",
                    #"{"provider":"vault-transit","address":"http://a:1","key_name":""}"#,
                    "field \"key_name\" is required when provider is vault-transit"
                ),
                (
                    .put, "/v1/admin/encryption/config", #"{"provider":"aws-kms","key_id":"k"}"#,
                    "\"region\" is required"
                ),
                (
                    .put, "/v1/admin/encryption/config", #"{"provider":"azure-keyvault","key_name":"k"}"#,
                    "\"vault_url\""
                ),
                (
                    .post, "/v1/admin/actors", #"{"actor_id":"zoe","keys":"opt-in","key_type":"x25519"}"#,
                    "field \"key_type\" cannot be given when keys is opt-in"
                ),
            ]
            for (method, uri, body, reason) in refused {
                let reply = try await client.call(method, uri, as: admin, json: body)
                #expect(reply.status == 422, "\(method) \(uri) \(body): \(reply.status)")
                #expect(reply.errorMessage.contains(reason), "\(body): \(reply.errorMessage)")
            }
            let accepted: [(HTTPRequest.Method, String, String, Int)] = [
                (.post, "/v1/admin/encryption/rewrap", #"{"actor_id":"alice"}"#, 202),
                (.post, "/v1/admin/encryption/rewrap", #"{"all":true}"#, 202),
                (.patch, "/v1/admin/actors/alice", #"{"can_shred":false}"#, 200),
                (.post, "/v1/ledger/entries", #"{"actor_id":"alice","payload_base64":"YQ=="}"#, 201),
                (.post, "/v1/ledger/entries", #"{"actor_id":"alice","payload":""}"#, 201),
                (.post, "/v1/admin/encryption/rotate-key", #"{"name":"primary-2"}"#, 200),
                // Required for pkcs11, not for aws-kms: another provider's empty field is no fault.
                (.post, "/v1/admin/encryption/test-connection", #"{"provider":"local","token_label":""}"#, 200),
                (.post, "/v1/admin/actors", #"{"actor_id":"zoe","keys":"auto","key_type":"mlkem768x25519"}"#, 201),
                (.post, "/v1/admin/actors", #"{"actor_id":"yan","key_type":"x25519"}"#, 201),
            ]
            for (method, uri, body, status) in accepted {
                let reply = try await client.call(method, uri, as: admin, json: body)
                #expect(reply.status == status, "\(method) \(uri) \(body): \(reply.status) \(reply.text.prefix(200))")
            }
        }
    }

    @Test("the largest schema-valid provider body is read, not refused as too large")
    func largestProviderBody() async throws {
        let fixture = try await APIFixture(.sqlite)
        try await fixture.application().test(.router) { client in
            let longest = String(repeating: #"\ud83d\ude00"#, count: 1024)
            let fields = ProviderConfigRequest.schema.fields.map(\.name).filter { $0 != "provider" }
            let body =
                #"{"provider":"pkcs11","# + fields.map { #""\#($0)":"\#(longest)""# }.joined(separator: ",") + "}"
            #expect(body.utf8.count > 200_000)
            let reply = try await client.call(
                .post, "/v1/admin/encryption/test-connection", as: fixture.adminToken, json: body)
            #expect(reply.status == 200, "\(reply.status) \(reply.text.prefix(200))")
            #expect(reply.json["ok"] as? Bool == false)
        }
    }

    @Test("the document states each rule in JSON Schema")
    func stated() async throws {
        let fixture = try await APIFixture(.sqlite)
        try await fixture.application().test(.router) { client in
            let document = try await client.call(.get, "/openapi.yaml", as: nil)
            let parsed = try #require(try Yams.load(yaml: document.text) as? [String: Any])
            let schemas = try #require((parsed["components"] as? [String: Any])?["schemas"] as? [String: [String: Any]])
            func allOf(_ name: String) -> [[String: Any]] { schemas[name]?["allOf"] as? [[String: Any]] ?? [] }

            let rewrapNot = allOf("RewrapRequest").first?["not"] as? [String: Any]
            #expect(rewrapNot?["required"] as? [String] == ["actor_id", "all"])
            let append = allOf("AppendEntryRequest").first?["oneOf"] as? [[String: Any]]
            #expect(append?.compactMap { $0["required"] as? [String] } == [["payload"], ["payload_base64"]])
            #expect(schemas["PatchActorRequest"]?["minProperties"] as? Int == 1)
            let paths = try #require(parsed["paths"] as? [String: [String: [String: Any]]])
            for (path, method) in [("/v1/admin/actors/{id}", "patch"), ("/v1/ledger/entries", "post")] {
                let body = paths[path]?[method]?["requestBody"] as? [String: Any]
                #expect(body?["required"] as? Bool == true, "\(method) \(path): a body is required")
            }
            let name = (schemas["RotateKeyRequest"]?["properties"] as? [String: Any])?["name"] as? [String: Any]
            #expect((name?["not"] as? [String: Any])?["enum"] as? [String] == ["primary"])

            let conditions = allOf("ProviderConfig").compactMap { rule -> (String, [String])? in
                let provider = ((rule["if"] as? [String: Any])?["properties"] as? [String: Any])?["provider"]
                guard let value = (provider as? [String: Any])?["const"] as? String,
                    let then = rule["then"] as? [String: Any], let required = then["required"] as? [String]
                else { return nil }
                return (value, required)
            }
            #expect(conditions.map(\.0) == ["vault-transit", "aws-kms", "azure-keyvault", "pkcs11"])
            #expect(conditions.last?.1 == ["module_path", "token_label", "key_label"])
            let optIn = try #require(allOf("EnrollRequest").first)
            let keys = ((optIn["if"] as? [String: Any])?["properties"] as? [String: Any])?["keys"] as? [String: Any]
            #expect(keys?["const"] as? String == "opt-in")
            #expect(
                ((optIn["then"] as? [String: Any])?["not"] as? [String: Any])?["required"] as? [String] == ["key_type"])
            let entry = schemas["AppendEntryRequest"]?["properties"] as? [String: [String: Any]]
            #expect(entry?["payload_base64"]?["pattern"] as? String != nil)
            #expect(entry?["payload"]?["pattern"] as? String == #"^[^\x00]*$"#)
        }
    }

    @Test("since takes any RFC 3339 date-time: an offset, a fraction, lowercase letters")
    func sinceOffsets() async throws {
        let fixture = try await APIFixture(.sqlite)
        try await fixture.application().test(.router) { client in
            for since in ["2026-01-01T01:00:00%2B01:00", "2026-01-01t00:00:00.123456z", "1969-12-31T23:59:59-00:30"] {
                let reply = try await client.call(.get, "/v1/admin/audit?since=\(since)", as: fixture.adminToken)
                #expect(reply.status == 200, "\(since): \(reply.status) \(reply.text.prefix(120))")
            }
            for since in [
                "2026-02-30T00:00:00Z", "2026-01-01T00:00:00", "2026-01-01T00:00:00+1:00", "+2026-01-01T00:00:00Z",
            ] {
                let reply = try await client.call(.get, "/v1/admin/audit?since=\(since)", as: fixture.adminToken)
                #expect((400..<500).contains(reply.status), "\(since): \(reply.status)")
            }
        }
    }
}
