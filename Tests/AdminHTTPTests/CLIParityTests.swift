import ActorKeys
import Admin
import AdminTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import TestSupport
import Testing

@testable import AdminHTTP

/// The CLI's `--json` is the API's JSON: the same bytes for the same read, and the same schema
/// for the same kind of action.
@Suite("CLI --json and the API agree", .serialized)
struct CLIParityTests {
    @Test("reads print the same bytes; actions print their report's schema", arguments: TestBackend.allCases)
    func parity(_ backend: TestBackend) async throws {
        let fixture = try await APIFixture(backend)
        _ = try await fixture.base.write("alice", count: 3)
        _ = try await fixture.base.write("ops", count: 2, encrypt: false)
        let environment = ProcessInfo.processInfo.environment.merging(
            ["ACTORKEYS_HOME": fixture.workspace.home, "ACTORKEYS_DATABASE_URL": fixture.base.url.uri]) { $1 }
        @Sendable func cli(_ arguments: String...) throws -> CommandResult {
            let result = try TestSupport.run(Tools.actorkeys, arguments, environment: environment)
            #expect(result.status == 0, "actorkeys \(arguments.joined(separator: " ")): \(result.stderr)")
            return result
        }
        try await fixture.application().test(.router) { client in
            let admin = fixture.adminToken
            // Reads: byte for byte.
            let reads: [([String], String)] = [
                (["actor", "show", "alice", "--json"], "/v1/admin/actors/alice"),
                (["actor", "list", "--json"], "/v1/admin/actors"),
                (["status", "--json"], "/v1/admin/encryption/status"),
                (["ledger", "list", "--json"], "/v1/ledger/entries"),
                (["audit", "list", "--json"], "/v1/admin/audit"),
            ]
            for (arguments, path) in reads {
                let printed = try TestSupport.run(Tools.actorkeys, arguments, environment: environment)
                #expect(printed.status == 0, "\(printed.stderr)")
                let answered = try await client.call(.get, path, as: admin)
                #expect(answered.status == 200)
                // The root key's per-process facts (when this process cached its sealing keys,
                // how many provider calls it made, when it asked the provider) differ between two processes by design.
                let perProcess = #/"(cached_at|provider_calls|fetched_at)":("[^"]*"|\d+)/#
                #expect(
                    printed.stdoutText.trimmingCharacters(in: .newlines).replacing(perProcess, with: "")
                        == answered.text.replacing(perProcess, with: ""),
                    "actorkeys \(arguments.joined(separator: " ")) vs GET \(path)")
            }
            // Actions: the CLI's report validates against the schema of the API's answer to the
            // same action.
            let actions: [(CommandResult, HTTPRequest.Method, String, String?)] = [
                (
                    try cli("actor", "enroll", "carol", "--keys", "opt-in", "--json"), .post, "/v1/admin/actors",
                    #"{"actor_id":"dave","keys":"opt-in"}"#
                ),
                (try cli("key", "create", "--actor", "carol", "--json"), .post, "/v1/admin/actors/dave/keys", nil),
                (
                    try cli("key", "rotate", "--actor", "carol", "--json"), .post, "/v1/admin/encryption/rotate-key",
                    #"{"actor_id":"dave"}"#
                ),
                (
                    try cli("key", "shred", "--actor", "carol", "--yes", "--json"), .delete,
                    "/v1/admin/actors/dave/keys", nil
                ),
            ]
            for (printed, method, path, body) in actions {
                let answered = try await client.call(method, path, as: admin, json: body)
                let reply = try #require(
                    AdminAPI.endpoint(method, path)?.replies.first { $0.status == answered.status })
                guard case .json(let type, _) = reply.body else { throw MissingSchema(path: path) }
                let value = try #require(JSONValue.parse(printed.stdout))
                #expect(
                    type.violation(by: value, schemas: { AdminAPI.schemas[$0] }) == nil,
                    "\(path): \(printed.stdoutText)")
                #expect(Set(Self.keys(printed.stdout)) == Set(Self.keys(Array(answered.text.utf8))), "\(path)")
            }
            let appended = try TestSupport.run(
                Tools.actorkeys, ["ledger", "append", "--actor", "alice", "--json"], input: Array("x".utf8),
                environment: environment)
            let entry = try #require(JSONValue.parse(appended.stdout))
            #expect(
                EntryReport.jsonType.violation(by: entry, schemas: { AdminAPI.schemas[$0] }) == nil,
                "\(appended.stdoutText) \(appended.stderr)")
            // Reports without a route still print their one type.
            let verified = try cli("audit", "verify", "--json")
            let verification = try #require(JSONValue.parse(verified.stdout))
            #expect(
                verification
                    == .object([
                        "events": verification.member("events")!, "intact": .bool(true), "first_broken": .null,
                        "problem": .null, "anchors": .array([.string(fixture.workspace.home + "/audit-head")]),
                    ]))
        }
    }

    struct MissingSchema: Error { let path: String }

    static func keys(_ bytes: [UInt8]) -> [String] {
        guard case .object(let members)? = JSONValue.parse(bytes) else { return [] }
        return Array(members.keys)
    }
}

extension JSONValue {
    func member(_ name: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members[name]
    }
}
