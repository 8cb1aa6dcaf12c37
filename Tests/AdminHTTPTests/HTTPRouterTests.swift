import ActorKeys
import Admin
import AdminTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import Ledger
import TestSupport
import Testing
import Yams

@testable import AdminHTTP

/// Every endpoint and every status code of DESIGN.md, driven through the router without a
/// socket, on SQLite and PostgreSQL.
@Suite("HTTP API through the router", .serialized)
struct HTTPRouterTests {
    @Test(
        "authentication: missing, malformed, unknown, revoked and shredded tokens are 401",
        arguments: TestBackend.allCases)
    func authentication(_ backend: TestBackend) async throws {
        let fixture = try await APIFixture(backend)
        try await fixture.application().test(.router) { client in
            for token in [nil, "ak_nope", "ak_" + String(repeating: "A", count: 43), "Basic x"] as [String?] {
                let reply = try await client.call(.get, "/v1/admin/actors", as: token)
                #expect(reply.status == 401)
                #expect(reply.errorCode == "unauthorized")
            }
            #expect(try await client.call(.get, "/v1/admin/actors", as: fixture.adminToken).status == 200)
            // A revoked token stops working at once.
            let extra = try await fixture.base.admin.createToken(for: try ActorID("ops"))
            #expect(try await client.call(.get, "/v1/admin/actors", as: extra.token).status == 200)
            try await fixture.base.admin.revokeToken(extra.id)
            #expect(try await client.call(.get, "/v1/admin/actors", as: extra.token).status == 401)
            // A shredded actor's token stops working.
            #expect(try await client.call(.delete, "/v1/admin/actors/alice/keys", as: fixture.adminToken).status == 200)
            #expect(try await client.call(.get, "/v1/ledger/entries", as: fixture.tokens["alice"]).status == 401)
        }
    }

    @Test(
        "the public routes answer; the OpenAPI document parses and describes exactly the routes served",
        arguments: [TestBackend.sqlite])
    func publicRoutes(_ backend: TestBackend) async throws {
        let fixture = try await APIFixture(backend)
        try await fixture.application().test(.router) { client in
            let health = try await client.call(.get, "/healthz", as: nil)
            #expect(health.status == 200 && health.json["status"] as? String == "ok")
            let document = try await client.call(.get, "/openapi.yaml", as: nil)
            #expect(document.status == 200)
            let parsed = try #require(try Yams.load(yaml: document.text) as? [String: Any])
            #expect(parsed["openapi"] as? String == "3.1.0")
            let paths = try #require(parsed["paths"] as? [String: [String: Any]])
            let documented = Set(
                paths.flatMap { path, operations in operations.keys.map { "\($0.uppercased()) \(path)" } })
            #expect(documented == Set(AdminAPI.endpoints.map { "\($0.method.rawValue) \($0.path)" }))
            // Every schema a document refers to is in it.
            let schemas = try #require((parsed["components"] as? [String: Any])?["schemas"] as? [String: Any])
            for reference in Self.references(in: parsed) {
                #expect(
                    schemas[String(reference.dropFirst("#/components/schemas/".count))] != nil,
                    "\(reference) is not defined")
            }
            // Every served route exists (no 404 "no such route"), whatever else it answers.
            for endpoint in AdminAPI.endpoints {
                let uri = endpoint.path.replacingOccurrences(
                    of: "{id}", with: endpoint.path.contains("entries") ? "01ARZ3NDEKTSV4RRFFQ69G5FAV" : "nobody")
                let reply = try await client.call(
                    endpoint.method, uri, as: fixture.adminToken, json: endpoint.request == nil ? nil : "{}")
                #expect(
                    reply.errorMessage.hasPrefix("no such route") == false,
                    "\(endpoint.method) \(endpoint.path) is not served")
            }
            let metrics = try await client.call(.get, "/metrics", as: nil)
            #expect(
                metrics.text.contains(
                    "actorkeys_http_requests_total{method=\"GET\",route=\"/healthz\",status=\"200\"} 2"))
            #expect(
                metrics.text.contains(
                    "actorkeys_http_requests_total{method=\"GET\",route=\"/v1/admin/actors/{id}\",status=\"404\"} 1"))
            #expect(metrics.text.contains("actorkeys_registry_cache_hits_total"))
            #expect(metrics.text.contains("actorkeys_key_rotations_total"))
            #expect(try await client.call(.get, "/nowhere", as: nil).status == 404)
        }
    }

    /// Every `$ref` anywhere in a parsed document.
    static func references(in value: Any) -> [String] {
        if let map = value as? [String: Any] {
            let own = (map["$ref"] as? String).map { [$0] } ?? []
            return own + map.values.flatMap(references(in:))
        }
        if let list = value as? [Any] { return list.flatMap(references(in:)) }
        return []
    }

    @Test("actors: 201, 409, 422, 400, 413, 403, 404", arguments: TestBackend.allCases)
    func actors(_ backend: TestBackend) async throws {
        let fixture = try await APIFixture(backend)
        try await fixture.application().test(.router) { client in
            let admin = fixture.adminToken
            let created = try await client.call(
                .post, "/v1/admin/actors", as: admin, json: #"{"actor_id":"bob","keys":"opt-in"}"#)
            #expect(created.status == 201)
            #expect(created.json["key_policy"] as? String == "opt-in")
            #expect(
                try await client.call(.post, "/v1/admin/actors", as: admin, json: #"{"actor_id":"bob"}"#).status == 409)
            for body in [
                #"{"actor_id":"Bad/Id"}"#, #"{"actor_id":"x","keys":"sometimes"}"#, #"{"actor_id":"x","extra":1}"#,
                #"{"actor_id":7}"#, #"{"keys":"auto"}"#, #"[1,2]"#, #"{"actor_id":"x","is_admin":"yes"}"#,
            ] {
                let reply = try await client.call(.post, "/v1/admin/actors", as: admin, json: body)
                #expect(reply.status == 422, "\(body): \(reply.text)")
                #expect(reply.errorCode == "invalid_argument")
            }
            #expect(try await client.call(.post, "/v1/admin/actors", as: admin, json: "{not json").status == 400)
            let huge = #"{"actor_id":""# + String(repeating: "a", count: 100_000) + #""}"#
            #expect(try await client.call(.post, "/v1/admin/actors", as: admin, json: huge).status == 413)
            let denied = try await client.call(
                .post, "/v1/admin/actors", as: fixture.tokens["alice"], json: #"{"actor_id":"eve"}"#)
            #expect(denied.status == 403)
            #expect(denied.errorMessage.contains("no permissions entry"))
            #expect(try await client.call(.get, "/v1/admin/actors", as: fixture.tokens["alice"]).status == 403)
            let listed = try await client.call(.get, "/v1/admin/actors", as: admin)
            #expect((listed.json["actors"] as? [[String: Any]])?.count == 6)
            #expect(try await client.call(.get, "/v1/admin/actors/bob", as: admin).json["id"] as? String == "bob")
            #expect(try await client.call(.get, "/v1/admin/actors/nobody", as: admin).status == 404)
            #expect(try await client.call(.get, "/v1/admin/actors/BAD", as: admin).status == 422)

            let key = try await client.call(.post, "/v1/admin/actors/bob/keys", as: admin)
            #expect(key.status == 201)
            #expect(key.json["version"] as? Int == 1 && key.json["sealed"] as? Bool == true)
            #expect(try await client.call(.post, "/v1/admin/actors/bob/keys", as: admin).status == 409)
            #expect(try await client.call(.post, "/v1/admin/actors/nobody/keys", as: admin).status == 404)
        }
    }

    @Test(
        "key_type: post-quantum keys at enrolment, opt-in and rotation; bad types are 422",
        arguments: TestBackend.allCases)
    func keyTypes(_ backend: TestBackend) async throws {
        let fixture = try await APIFixture(backend)
        try await fixture.application().test(.router) { client in
            let admin = fixture.adminToken
            let enrolled = try await client.call(
                .post, "/v1/admin/actors", as: admin, json: #"{"actor_id":"pq","key_type":"mlkem768x25519"}"#)
            #expect(enrolled.status == 201, "\(enrolled.text)")
            let keys = enrolled.json["keys"] as? [[String: Any]]
            #expect(keys?.first?["key_type"] as? String == "mlkem768x25519")
            #expect((keys?.first?["recipient"] as? String)?.hasPrefix("age1pq1") == true)
            _ = try await client.call(
                .post, "/v1/admin/actors", as: admin, json: #"{"actor_id":"late","keys":"opt-in"}"#)
            let created = try await client.call(
                .post, "/v1/admin/actors/late/keys", as: admin, json: #"{"key_type":"mlkem768x25519"}"#)
            #expect(created.status == 201, "\(created.text)")
            #expect(created.json["key_type"] as? String == "mlkem768x25519")
            let rotated = try await client.call(
                .post, "/v1/admin/encryption/rotate-key", as: admin, json: #"{"actor_id":"pq","key_type":"x25519"}"#)
            #expect(rotated.status == 200, "\(rotated.text)")
            #expect(rotated.json["key_type"] as? String == "x25519")
            #expect(rotated.json["previous_key_type"] as? String == "mlkem768x25519")
            let kept = try await client.call(
                .post, "/v1/admin/encryption/rotate-key", as: admin, json: #"{"actor_id":"pq"}"#)
            #expect(kept.json["key_type"] as? String == "x25519")
            for (uri, body) in [
                ("/v1/admin/actors", #"{"actor_id":"x","key_type":"kyber"}"#),
                ("/v1/admin/actors", #"{"actor_id":"x","keys":"opt-in","key_type":"x25519"}"#),
                ("/v1/admin/encryption/rotate-key", #"{"key_type":"MLKEM768X25519"}"#),
                ("/v1/admin/actors/late/keys", #"{"key_type":7}"#),
            ] {
                let reply = try await client.call(.post, uri, as: admin, json: body)
                #expect(reply.status == 422, "\(uri) \(body): \(reply.text)")
            }
            let status = try await client.call(.get, "/v1/admin/encryption/status", as: admin)
            #expect(status.json["encrypted_rows"] as? Int == 0)
            #expect(status.json["post_quantum_rows"] as? Int == 0)
        }
    }

    @Test(
        "rotate-key: 200 with the contract's body, 403 twice, 404, 409, 422, 503; each one audited",
        arguments: TestBackend.allCases)
    func rotateKey(_ backend: TestBackend) async throws {
        let fixture = try await APIFixture(backend)
        try await fixture.application().test(.router) { client in
            let rotator = fixture.tokens["rotator"]
            let rotated = try await client.call(
                .post, "/v1/admin/encryption/rotate-key", as: rotator, json: #"{"actor_id":"alice"}"#)
            #expect(rotated.status == 200, "\(rotated.text)")
            for field in [
                "actor", "fingerprint", "previous_fingerprint", "recipient", "sealing_key", "next_step",
            ] {
                #expect(rotated.json[field] != nil, "missing \(field)")
            }
            #expect((rotated.json["next_step"] as? String)?.contains("no restart") == true)
            let shared = try await client.call(.post, "/v1/admin/encryption/rotate-key", as: rotator, json: "{}")
            #expect(shared.status == 200 && shared.json["actor"] is NSNull)

            let nonAdmin = try await client.call(
                .post, "/v1/admin/encryption/rotate-key", as: fixture.tokens["alice"], json: "{}")
            #expect(nonAdmin.status == 403)
            let adminWithoutFlag = try await client.call(
                .post, "/v1/admin/encryption/rotate-key", as: fixture.tokens["ops"], json: "{}")
            #expect(adminWithoutFlag.status == 403)
            #expect(adminWithoutFlag.errorMessage.contains("can_rotate_encryption_key"))
            #expect(!adminWithoutFlag.errorMessage.contains("is_admin"))
            #expect(
                try await client.call(
                    .post, "/v1/admin/encryption/rotate-key", as: rotator, json: #"{"actor_id":"nobody"}"#
                ).status == 404)
            #expect(
                try await client.call(
                    .post, "/v1/admin/encryption/rotate-key", as: rotator, json: #"{"actor_id":"alice","name":"v2"}"#
                ).status == 409)
            #expect(
                try await client.call(
                    .post, "/v1/admin/encryption/rotate-key", as: rotator,
                    json: #"{"actor_id":"alice","name":"v2","force":true}"#
                ).status == 409)
            #expect(
                try await client.call(
                    .post, "/v1/admin/encryption/rotate-key", as: rotator, json: #"{"name":"primary"}"#
                ).status == 422)
            #expect(
                try await client.call(
                    .post, "/v1/admin/encryption/rotate-key", as: rotator, json: #"{"name":"../etc"}"#
                ).status == 422)
            #expect(
                try await client.call(.post, "/v1/admin/encryption/rotate-key", as: rotator, json: #"{"force":"yes"}"#)
                    .status == 422)

            // The root key unavailable (the process failing closed): a rotation or a first key is a
            // 503, and nothing is half-written: no new version; once it returns, both work.
            let alice = Owner.actor(try ActorID("alice"))
            let versions = try await fixture.workspace.store.keyringOf(alice).versions.count
            fixture.workspace.registry.sealer.close(reason: "failing closed: tests")
            let broken = try await client.call(
                .post, "/v1/admin/encryption/rotate-key", as: rotator, json: #"{"actor_id":"alice"}"#)
            #expect(broken.status == 503)
            #expect(try await fixture.workspace.store.keyringOf(alice).versions.count == versions)
            _ = try await client.call(
                .post, "/v1/admin/actors", as: fixture.adminToken, json: #"{"actor_id":"bob","keys":"opt-in"}"#)
            let failed = try await client.call(.post, "/v1/admin/actors/bob/keys", as: fixture.adminToken)
            #expect(failed.status == 503)
            #expect(failed.errorMessage.contains("failing closed"))
            #expect(try await fixture.workspace.store.keyringOf(.actor(try ActorID("bob"))).versions.isEmpty)
            try await fixture.workspace.root.reload()
            #expect(
                try await client.call(
                    .post, "/v1/admin/encryption/rotate-key", as: rotator, json: #"{"actor_id":"alice"}"#
                ).status == 200)
            #expect(try await client.call(.post, "/v1/admin/actors/bob/keys", as: fixture.adminToken).status == 201)
        }
        let types = try await fixture.workspace.store.auditEvents(limit: 1000).map(\.eventType)
        for expected in [
            "admin.encryption.rotate.success", "admin.encryption.rotate.error.permission_denied",
            "admin.encryption.rotate.error.not_found", "admin.encryption.rotate.error.conflict",
            "admin.encryption.rotate.error.invalid_argument", "admin.encryption.rotate.error.unavailable",
            "admin.encryption.key_create.error.unavailable",
        ] {
            #expect(types.contains(expected), "no \(expected) event")
        }
        #expect(try await fixture.base.admin.verifyAudit().isIntact)
    }

    @Test("rewrap runs as a job; status, reload, shred (can_shred), audit paging", arguments: TestBackend.allCases)
    func encryptionRoutes(_ backend: TestBackend) async throws {
        let fixture = try await APIFixture(backend)
        try await fixture.application().test(.router) { client in
            let admin = fixture.adminToken
            _ = try await client.call(
                .post, "/v1/ledger/entries", as: fixture.tokens["alice"], json: #"{"payload":"before"}"#)
            _ = try await client.call(
                .post, "/v1/admin/encryption/rotate-key", as: admin, json: #"{"actor_id":"alice"}"#)
            let started = try await client.call(
                .post, "/v1/admin/encryption/rewrap", as: admin, json: #"{"actor_id":"alice"}"#)
            #expect(started.status == 202)
            let id = try #require((started.json["job"] as? [String: Any])?["id"] as? String)
            var state = "running"
            for _ in 0..<100 where state == "running" {
                try await Task.sleep(for: .milliseconds(20))
                state =
                    try await client.call(.get, "/v1/admin/encryption/jobs/\(id)", as: admin).json["state"] as? String
                    ?? "?"
            }
            #expect(state == "succeeded")
            #expect(try await client.call(.get, "/v1/admin/encryption/jobs/job_nope", as: admin).status == 404)
            #expect(
                try await client.call(.post, "/v1/admin/encryption/rewrap", as: admin, json: #"{"actor_id":"nobody"}"#)
                    .status == 404)
            #expect(
                try await client.call(.post, "/v1/admin/encryption/rewrap", as: fixture.tokens["alice"], json: "{}")
                    .status == 403)

            let status = try await client.call(.get, "/v1/admin/encryption/status", as: admin)
            #expect(status.status == 200 && (status.json["owners"] as? [Any])?.isEmpty == false)
            let reload = try await client.call(.post, "/v1/admin/encryption/reload", as: admin)
            #expect(reload.status == 200 && reload.json["reloaded"] as? Bool == true)

            let noShred = try await client.call(.delete, "/v1/admin/actors/alice/keys", as: fixture.tokens["rotator"])
            #expect(noShred.status == 403 && noShred.errorMessage.contains("can_shred"))
            let shredded = try await client.call(.delete, "/v1/admin/actors/alice/keys", as: fixture.tokens["shredder"])
            #expect(shredded.status == 200 && shredded.json["rows_unreadable"] as? Int == 1)
            #expect(
                try await client.call(.delete, "/v1/admin/actors/nobody/keys", as: fixture.tokens["shredder"]).status
                    == 404)

            let page = try await client.call(.get, "/v1/admin/audit?limit=2", as: admin)
            #expect((page.json["events"] as? [[String: Any]])?.count == 2)
            let next = try #require(page.json["next_after"] as? Int)
            let second = try await client.call(.get, "/v1/admin/audit?after=\(next)&limit=1000", as: admin)
            #expect(second.json["next_after"] is NSNull)
            #expect(try await client.call(.get, "/v1/admin/audit?limit=0", as: admin).status == 422)
            #expect(try await client.call(.get, "/v1/admin/audit?since=yesterday", as: admin).status == 422)
        }
    }

    @Test(
        "ledger: actors read and write their own; admins anyone's; 410 for shredded rows",
        arguments: TestBackend.allCases)
    func ledger(_ backend: TestBackend) async throws {
        let fixture = try await APIFixture(backend)
        try await fixture.application().test(.router) { client in
            let alice = fixture.tokens["alice"]
            let admin = fixture.adminToken
            let written = try await client.call(
                .post, "/v1/ledger/entries", as: alice, json: #"{"kind":"prompt","payload":"alice's prompt"}"#)
            #expect(written.status == 201)
            #expect(written.json["protection"] as? String == "actor")
            #expect(written.json["payload"] == nil)
            let id = try #require(written.json["id"] as? String)
            #expect(
                try await client.call(.get, "/v1/ledger/entries/\(id)", as: alice).json["payload"] as? String
                    == "alice's prompt")
            #expect(
                try await client.call(.get, "/v1/ledger/entries/\(id)", as: fixture.tokens["ops"]).json["payload"]
                    as? String == "alice's prompt")
            let other = try await client.call(
                .post, "/v1/ledger/entries", as: fixture.tokens["ops"],
                json: #"{"actor_id":"rotator","payload":"admin writes for rotator"}"#)
            #expect(other.status == 201)
            let otherID = try #require(other.json["id"] as? String)
            #expect(try await client.call(.get, "/v1/ledger/entries/\(otherID)", as: alice).status == 403)
            #expect(
                try await client.call(
                    .post, "/v1/ledger/entries", as: alice, json: #"{"actor_id":"ops","payload":"x"}"#
                ).status == 403)

            let bytes = Data([0, 1, 2, 255]).base64EncodedString()
            let binary = try await client.call(
                .post, "/v1/ledger/entries", as: alice, json: #"{"payload_base64":"\#(bytes)","encrypt":false}"#)
            #expect(binary.json["protection"] as? String == "plaintext")
            let binaryID = try #require(binary.json["id"] as? String)
            #expect(
                try await client.call(.get, "/v1/ledger/entries/\(binaryID)", as: alice).json["payload_base64"]
                    as? String == bytes)

            for body in [
                #"{"payload":"a","payload_base64":"YQ=="}"#, #"{"payload_base64":"***"}"#, "{}", #"{"payload":1}"#,
                #"{"kind":"bad kind","payload":"x"}"#,
            ] {
                #expect(
                    try await client.call(.post, "/v1/ledger/entries", as: alice, json: body).status == 422, "\(body)")
            }
            #expect(try await client.call(.get, "/v1/ledger/entries/not-an-id", as: alice).status == 422)
            #expect(
                try await client.call(.get, "/v1/ledger/entries/01ARZ3NDEKTSV4RRFFQ69G5FAV", as: alice).status == 404)
            let own = try await client.call(.get, "/v1/ledger/entries", as: alice)
            #expect((own.json["entries"] as? [[String: Any]])?.count == 2)
            #expect(try await client.call(.get, "/v1/ledger/entries?actor_id=ops", as: alice).status == 403)
            #expect(
                (try await client.call(.get, "/v1/ledger/entries", as: admin).json["entries"] as? [Any])?.count == 3)

            #expect(try await client.call(.delete, "/v1/admin/actors/rotator/keys", as: admin).status == 200)
            let gone = try await client.call(.get, "/v1/ledger/entries/\(otherID)", as: admin)
            #expect(gone.status == 410)
            #expect(gone.errorCode == "shredded")
        }
    }

    @Test("hostile requests get a 4xx in the error shape, never a 500")
    func hostileRequests() async throws {
        let fixture = try await APIFixture(.sqlite)
        try await fixture.application().test(.router) { client in
            let admin = fixture.adminToken
            let deep = String(repeating: "[", count: 6000) + String(repeating: "]", count: 6000)
            let cases: [(HTTPRequest.Method, String, String?)] = [
                (.post, "/v1/admin/actors", deep), (.post, "/v1/ledger/entries", #"{"payload":"# + deep + "}"),
                (.post, "/v1/admin/actors", "\u{0}\u{1}"), (.post, "/v1/admin/actors", #"{"actor_id":"\u0000"}"#),
                (.post, "/v1/admin/actors", #"{"actor_id":"a","actor_id":"b","keys":null}"#),
                (.post, "/v1/admin/actors", "null"),
                (.post, "/v1/admin/actors", #"{"actor_id":"a","\u0061ctor_id":"b"}"#),
                (.post, "/v1/admin/encryption/rotate-key", #"{"actor_id":["alice"]}"#),
                (.post, "/v1/admin/encryption/rotate-key", "3"),
                (.get, "/v1/admin/actors/%2e%2e%2fetc", nil), (.get, "/v1/ledger/entries/..%2F..%2Fetc", nil),
                (.get, "/v1/ledger/entries?limit=-1", nil),
                (.get, "/v1/ledger/entries?after=99999999999999999999", nil),
                (.get, "/v1/admin/encryption/jobs/" + String(repeating: "x", count: 5000), nil),
                (.delete, "/v1/admin/actors/" + String(repeating: "a", count: 65) + "/keys", nil),
                (.post, "/v1/ledger/entries", #"{"payload_base64":"\#(String(repeating: "A", count: 30_000_000))"}"#),
            ]
            for (method, uri, body) in cases {
                let reply = try await client.call(method, uri, as: admin, json: body)
                #expect((400..<500).contains(reply.status), "\(method) \(uri.prefix(60)): \(reply.status)")
                #expect(reply.errorCode != nil, "\(method) \(uri.prefix(60)): no error shape")
            }
        }
    }

    @Test("HTTP details: the bearer scheme in any case, 405 with Allow, JSON bodies only, null refused, 413 closes")
    func httpDetails() async throws {
        let fixture = try await APIFixture(.sqlite)
        try await fixture.application().test(.router) { client in
            func send(
                _ method: HTTPRequest.Method, _ uri: String, authorization: String? = nil, contentType: String? = nil,
                body: String? = nil
            ) async throws -> TestResponse {
                var headers: HTTPFields = [:]
                headers[.authorization] = authorization ?? "Bearer \(fixture.adminToken)"
                if let contentType { headers[.contentType] = contentType }
                return try await client.execute(
                    uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) })
            }
            for scheme in ["bearer", "BEARER", "Bearer", "bEaReR"] {
                let reply = try await send(.get, "/v1/me", authorization: "\(scheme) \(fixture.adminToken)")
                #expect(reply.status == .ok, "\(scheme)")
            }
            #expect(
                try await send(.get, "/v1/me", authorization: "Basic \(fixture.adminToken)").status == .unauthorized)
            #expect(try await send(.get, "/v1/me", authorization: "Bearer").status == .unauthorized)

            for (method, uri, allow) in [
                (HTTPRequest.Method.put, "/v1/admin/actors", "GET, POST"), (.delete, "/v1/me", "GET"),
                (.post, "/v1/admin/actors/alice", "GET, PATCH"), (.post, "/ui/", "GET"), (.delete, "/healthz", "GET"),
            ] {
                let reply = try await send(method, uri)
                #expect(reply.status == .methodNotAllowed, "\(method) \(uri)")
                #expect(reply.headers[.allow] == allow, "\(method) \(uri): \(reply.headers[.allow] ?? "none")")
            }
            #expect(try await send(.get, "/v1/nothing-here").status == .notFound)

            let enroll = #"{"actor_id":"typed","keys":"auto"}"#
            for contentType in [nil, "text/plain", "application/x-www-form-urlencoded", "application/xml"] {
                let reply = try await send(.post, "/v1/admin/actors", contentType: contentType, body: enroll)
                #expect(reply.status == .unsupportedMediaType, "\(contentType ?? "no content type")")
            }
            #expect(
                try await send(.post, "/v1/admin/actors", contentType: "Application/JSON; charset=UTF-8", body: enroll)
                    .status == .created)
            let nullKeys = try await send(
                .post, "/v1/admin/actors", contentType: "application/json", body: #"{"actor_id":"nully","keys":null}"#)
            #expect(nullKeys.status == .unprocessableContent)
            let large = try await send(
                .post, "/v1/admin/actors", contentType: "application/json",
                body: #"{"actor_id":""# + String(repeating: "a", count: 20_000) + "\"}")
            #expect(large.status == .contentTooLarge && large.headers[.connection] == "close")
        }
    }

    @Test("no response ever contains a secret key, a token or an encrypted payload's neighbours")
    func noSecrets() async throws {
        let fixture = try await APIFixture(.sqlite)
        let everything = try await fixture.application().test(.router) { client in
            var everything = ""
            let admin = fixture.adminToken
            for (method, uri, body) in [
                (HTTPRequest.Method.post, "/v1/admin/actors", #"{"actor_id":"zed"}"#), (.get, "/v1/admin/actors", nil),
                (.post, "/v1/admin/encryption/rotate-key", #"{"actor_id":"zed"}"#),
                (.get, "/v1/admin/encryption/status", nil),
                (.get, "/v1/admin/audit?limit=1000", nil), (.get, "/metrics", nil),
                (.post, "/v1/admin/actors", "{oops"),
            ] as [(HTTPRequest.Method, String, String?)] {
                everything += try await client.call(method, uri, as: admin, json: body).text
            }
            return everything
        }
        #expect(!everything.contains("AGE-SECRET-KEY"))
        for token in fixture.tokens.values { #expect(!everything.contains(token)) }
    }
}
