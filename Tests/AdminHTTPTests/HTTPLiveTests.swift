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

@testable import AdminHTTP

/// The HTTP API over a real socket, with the application's services running, on SQLite and
/// PostgreSQL.
@Suite("HTTP API over a socket", .serialized)
struct HTTPLiveTests {
    func application(_ fixture: APIFixture) throws -> some ApplicationProtocol {
        try AdminServer.buildApplication(
            workspace: fixture.workspace, configuration: ServerConfiguration(host: "127.0.0.1", port: 0))
    }

    @Test(
        "two concurrent rotations of the same actor: no corruption, one active version, rows readable",
        arguments: TestBackend.allCases)
    func concurrentRotations(_ backend: TestBackend) async throws {
        let fixture = try await APIFixture(backend)
        let rotator = fixture.tokens["rotator"]
        try await application(fixture).test(.ahc(.http)) { client in
            let before = try await client.call(
                .post, "/v1/ledger/entries", as: fixture.adminToken, json: #"{"actor_id":"alice","payload":"before"}"#)
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<2 {
                    group.addTask {
                        try await client.call(
                            .post, "/v1/admin/encryption/rotate-key", as: rotator, json: #"{"actor_id":"alice"}"#
                        ).status
                    }
                }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(statuses.contains(200))
            #expect(statuses.allSatisfy { $0 == 200 || $0 == 409 }, "\(statuses)")
            let keyring = try await fixture.workspace.store.keyringOf(.actor(try ActorID("alice")))
            #expect(keyring.versions.filter { $0.state == .active }.count == 1)
            #expect(keyring.versions.count == 1 + statuses.filter { $0 == 200 }.count)
            let after = try await client.call(
                .post, "/v1/ledger/entries", as: fixture.adminToken, json: #"{"actor_id":"alice","payload":"after"}"#)
            for reply in [before, after] {
                let id = try #require(reply.json["id"] as? String)
                #expect(try await client.call(.get, "/v1/ledger/entries/\(id)", as: fixture.adminToken).status == 200)
            }
        }
    }

    @Test("rotations during a stream of ledger writes and reads: zero failed reads", arguments: TestBackend.allCases)
    func rotationDuringTraffic(_ backend: TestBackend) async throws {
        let fixture = try await APIFixture(backend)
        try await application(fixture).test(.ahc(.http)) { client in
            let alice = fixture.tokens["alice"]
            let failures = try await withThrowingTaskGroup(of: Int.self) { group in
                for writer in 0..<3 {
                    group.addTask {
                        var failed = 0
                        var written: [(String, String)] = []
                        for index in 0..<40 {
                            let text = "writer \(writer) row \(index)"
                            let reply = try await client.call(
                                .post, "/v1/ledger/entries", as: alice, json: #"{"payload":"\#(text)"}"#)
                            guard reply.status == 201, let id = reply.json["id"] as? String else {
                                failed += 1
                                continue
                            }
                            written.append((id, text))
                            let (old, expected) = written.randomElement()!
                            let read = try await client.call(.get, "/v1/ledger/entries/\(old)", as: alice)
                            if read.json["payload"] as? String != expected { failed += 1 }
                        }
                        return failed
                    }
                }
                group.addTask {
                    for _ in 0..<5 {
                        let status = try await client.call(
                            .post, "/v1/admin/encryption/rotate-key", as: fixture.tokens["rotator"],
                            json: #"{"actor_id":"alice"}"#
                        ).status
                        if status != 200 { return 1 }
                        try await Task.sleep(for: .milliseconds(30))
                    }
                    return 0
                }
                return try await group.reduce(0, +)
            }
            #expect(failures == 0)
        }
    }

    @Test("a rotation made with the CLI is used by the running server within a second", arguments: TestBackend.allCases)
    func cliRotationSeenByServer(_ backend: TestBackend) async throws {
        let fixture = try await APIFixture(backend)
        let environment = ProcessInfo.processInfo.environment.merging(
            ["ACTORKEYS_HOME": fixture.workspace.home, "ACTORKEYS_DATABASE_URL": fixture.base.url.uri]) { $1 }
        try await application(fixture).test(.ahc(.http)) { client in
            let alice = fixture.tokens["alice"]
            _ = try await client.call(.post, "/v1/ledger/entries", as: alice, json: #"{"payload":"warm"}"#)
            let rotated = try TestSupport.run(
                Tools.actorkeys, ["key", "rotate", "--actor", "alice", "--json"], environment: environment)
            try #require(rotated.status == 0, "\(rotated.stderr)")
            let fingerprint = try #require(
                (try JSONSerialization.jsonObject(with: Data(rotated.stdout)) as? [String: Any])?["fingerprint"]
                    as? String)
            let deadline = ContinuousClock.now + .seconds(1)
            var switched = false
            while !switched && ContinuousClock.now < deadline {
                let reply = try await client.call(.post, "/v1/ledger/entries", as: alice, json: #"{"payload":"probe"}"#)
                if let dataKey = reply.json["data_key_id"] as? String, let id = DataKeyID(hex: dataKey) {
                    switched = try await fixture.workspace.store.dataKey(id: id)?.fingerprints.first?.hex == fingerprint
                }
                try await Task.sleep(for: .milliseconds(25))
            }
            #expect(switched, "the server kept sealing under the old key")
        }
    }
}

extension DatabaseURL {
    /// The URL again, as a string the CLI accepts.
    var uri: String {
        switch self {
        case .sqlite(let path): "sqlite:" + path
        case .postgres(let uri): uri
        }
    }
}
