import ActorKeys
import Admin
import AdminTestSupport
import Envelope
import Foundation
import Hummingbird
import HummingbirdTesting
import Ledger
import TestSupport
import Testing
import Yams

@testable import AdminHTTP

/// A response, decoded.
struct Reply: Sendable {
    let status: Int
    let text: String
    var contentType: String? = nil
    var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:] }
    var errorCode: String? { (json["error"] as? [String: Any])?["code"] as? String }
    var errorMessage: String { (json["error"] as? [String: Any])?["message"] as? String ?? "" }
}

/// An initialized workspace, tokens for a few principals, and the API's router.
struct APIFixture: Sendable {
    let base: AdminFixture
    let adminToken: String
    let tokens: [String: String]

    /// `admin` (every permission, from init), `ops` (is_admin only), `rotator` (is_admin and
    /// can_rotate), `shredder` (is_admin and can_shred), `alice` (no permissions, her own key).
    init(_ backend: TestBackend) async throws {
        base = try await AdminFixture(backend)
        let admin = base.admin
        var tokens: [String: String] = [:]
        let principals: [(String, Permissions)] = [
            ("ops", Permissions(isAdmin: true)), ("rotator", Permissions(isAdmin: true, canRotateEncryptionKey: true)),
            ("shredder", Permissions(isAdmin: true, canShred: true)), ("alice", .none),
        ]
        for (name, permissions) in principals {
            _ = try await admin.enroll(base.id(name), keys: .auto, permissions: permissions)
            tokens[name] = try await admin.createToken(for: base.id(name)).token
        }
        tokens["admin"] = try await admin.createToken(for: base.id("admin")).token
        adminToken = tokens["admin"]!
        self.tokens = tokens
    }

    var workspace: Workspace { base.workspace }

    func application() -> some ApplicationProtocol {
        Application(router: AdminServer.buildRouter(workspace: workspace))
    }
}

extension TestClientProtocol {
    /// Sends a request as `token` (nil: no Authorization header) with an optional JSON body,
    /// and holds the response to the contract (`expectConforms`).
    func call(_ method: HTTPRequest.Method, _ uri: String, as token: String?, json: String? = nil) async throws -> Reply
    {
        var headers: HTTPFields = [:]
        if let token { headers[.authorization] = "Bearer \(token)" }
        if json != nil { headers[.contentType] = "application/json" }
        let reply = try await execute(
            uri: uri, method: method, headers: headers, body: json.map { ByteBuffer(string: $0) }
        ) { response in
            Reply(
                status: Int(response.status.code), text: String(buffer: response.body),
                contentType: response.headers[.contentType])
        }
        expectConforms(reply, method, uri)
        return reply
    }
}

/// Every response a test sees must be one the OpenAPI document promises: a status the
/// endpoint lists, and a body that validates against that status's schema (an unknown route's
/// 404 against the error schema).
func expectConforms(
    _ reply: Reply, _ method: HTTPRequest.Method, _ uri: String, sourceLocation: SourceLocation = #_sourceLocation
) {
    let path = String(uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)[0])
    let body: Endpoint.Reply.Body
    if let endpoint = AdminAPI.endpoint(method, path) {
        guard let documented = endpoint.replies.first(where: { $0.status == reply.status }) else {
            Issue.record(
                "\(method) \(path) answered \(reply.status), which its endpoint does not document: \(reply.text)",
                sourceLocation: sourceLocation)
            return
        }
        body = documented.body
    } else {
        body = Endpoint.Reply.error(reply.status).body
    }
    switch body {
    case .text(let contentType):
        #expect(
            reply.contentType?.hasPrefix(contentType) == true,
            "\(method) \(path): content type \(reply.contentType ?? "none")", sourceLocation: sourceLocation)
    case .yaml:
        #expect(
            reply.contentType?.hasPrefix("application/yaml") == true,
            "\(method) \(path): content type \(reply.contentType ?? "none")", sourceLocation: sourceLocation)
        #expect(
            (try? Yams.load(yaml: reply.text)) is [String: Any], "\(method) \(path): the body is not a YAML mapping",
            sourceLocation: sourceLocation)
    case .json(let type, _):
        #expect(
            reply.contentType?.hasPrefix("application/json") == true,
            "\(method) \(path): content type \(reply.contentType ?? "none")", sourceLocation: sourceLocation)
        guard let value = JSONValue.parse(Array(reply.text.utf8)) else {
            Issue.record(
                "\(method) \(path) \(reply.status): the body is not JSON: \(reply.text.prefix(200))",
                sourceLocation: sourceLocation)
            return
        }
        if let problem = type.violation(by: value, schemas: { AdminAPI.schemas[$0] }) {
            Issue.record(
                "\(method) \(path) \(reply.status): the body \(problem): \(reply.text.prefix(300))",
                sourceLocation: sourceLocation)
        }
    }
}
