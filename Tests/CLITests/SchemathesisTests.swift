import Foundation
import TestSupport
import Testing

/// schemathesis (Tests/API/schemathesis.toml) against a live `actorkeys serve` and the document
/// it serves: every operation, every check (server errors, status codes, content types,
/// response schemas, schema-valid data accepted, schema-invalid data refused, Allow headers,
/// authentication), examples bounded and the seed fixed so a failure replays. Zero failures,
/// and no token in the server's log.
@Suite("schemathesis against /openapi.yaml", .serialized)
struct SchemathesisTests {
    static let examplesPerOperation = 40

    @Test("every check passes on every operation", arguments: TestBackend.allCases)
    func conforms(_ backend: TestBackend) async throws {
        let schemathesis = try TestEnvironment.required("ACTORKEYS_TEST_SCHEMATHESIS")
        let nodes = try Nodes(backend, .local)
        let token = try nodes.initialize()
        for actor in ["alice", "bob"] {
            #expect(try nodes.run("a", "actor", "enroll", actor).status == 0)
            #expect(try nodes.run("a", "ledger", "append", "--actor", actor, input: Array("a prompt".utf8)).status == 0)
        }
        let server = try await ServerNode(nodes, node: "a")
        let run = try TestSupport.run(
            schemathesis,
            [
                "--config-file", Tools.repositoryFile("Tests/API/schemathesis.toml"), "run",
                server.base + "/openapi.yaml",
                "--header", "Authorization: Bearer \(token)", "--checks", "all",
                "--max-examples", String(Self.examplesPerOperation), "--seed", "20261201", "--workers", "1",
                "--generation-database", "none", "--no-color", "--request-timeout", "30",
            ])
        let log = server.stop()
        let report = run.stdoutText
        #expect(run.status == 0, "schemathesis found failures:\n\(report.suffix(12_000))\n\(run.stderr)")
        let selected = Self.number(after: "Selected: ", in: report)
        #expect(selected != nil && selected == Self.number(after: "Tested: ", in: report), "\(report.suffix(3000))")
        #expect(!log.contains(token), "the server logged the token")
    }

    /// The number that follows `label` in schemathesis's summary ("Selected: 23/23").
    static func number(after label: String, in report: String) -> Int? {
        guard let range = report.range(of: label) else { return nil }
        return Int(report[range.upperBound...].prefix { $0.isNumber })
    }
}
