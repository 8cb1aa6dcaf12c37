import ActorKeys
import Admin
import Foundation
import Hummingbird
import HummingbirdTesting
import Ledger
import Testing
import TestSupport

/// A response, decoded.
struct Reply: Sendable {
    let status: Int
    let text: String
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
    /// Sends a request as `token` (nil: no Authorization header) with an optional JSON body.
    func call(_ method: HTTPRequest.Method, _ uri: String, as token: String?, json: String? = nil) async throws -> Reply {
        var headers: HTTPFields = [:]
        if let token { headers[.authorization] = "Bearer \(token)" }
        if json != nil { headers[.contentType] = "application/json" }
        return try await execute(uri: uri, method: method, headers: headers, body: json.map { ByteBuffer(string: $0) }) { response in
            Reply(status: Int(response.status.code), text: String(buffer: response.body))
        }
    }
}
