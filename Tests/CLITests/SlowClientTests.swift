import Foundation
import TestSupport
import Testing

/// A server at a low descriptor limit under slow and idle clients (issue 13): every slow
/// connection is cut off at the head deadline, `/healthz` keeps answering meanwhile, and an
/// HTTP/1.0 request without keep-alive is answered and closed.
@Suite("actorkeys serve under slow clients", .serialized)
struct SlowClientTests {
    @Test("300 slowloris and idle connections at 256 descriptors: all cut off, /healthz answers throughout")
    func slowloris() async throws {
        let prlimit = try requireTool(
            ["/usr/bin/prlimit", "/bin/prlimit"].first { FileManager.default.isExecutableFile(atPath: $0) },
            "prlimit (util-linux) is needed to run the server at a low descriptor limit")
        let nodes = try Nodes(.sqlite, .local)
        _ = try nodes.initialize()
        let server = try await ServerNode(
            nodes, node: "a", extra: ["ACTORKEYS_HTTP_HEAD_TIMEOUT": "2"], launcher: [prlimit, "--nofile=256:256"])
        defer { server.stop() }

        let clients = Process()
        clients.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        clients.arguments = [
            "python3", Tools.repositoryFile("Tests/Clients/slow_clients.py"), String(server.port), "300", "8",
        ]
        let output = Pipe()
        clients.standardOutput = output
        try clients.run()
        try await Task.sleep(for: .seconds(1))
        // While they hold on, the server still answers: within the head deadline and a margin
        // (a loaded test machine stretches it; without the deadlines it never answered at all).
        for _ in 0..<3 {
            let asked = ContinuousClock.now
            let (status, _) = try await server.request("/healthz")
            #expect(status == 200)
            #expect(ContinuousClock.now - asked < .seconds(15), "healthz took \(ContinuousClock.now - asked)")
            try await Task.sleep(for: .seconds(1))
        }
        clients.waitUntilExit()
        let report = try #require(
            try JSONSerialization.jsonObject(with: output.fileHandleForReading.readDataToEndOfFile()) as? [String: Any])
        let opened = try #require(report["opened"] as? Int)
        #expect(opened >= 250, "\(report)")
        #expect(report["closed_by_server"] as? Int == opened, "\(report)")
        #expect((report["longest_open"] as? Double ?? 99) < 8, "\(report)")
        #expect((report["http_1_0_status"] as? String)?.contains(" 200 ") == true, "\(report)")
        #expect(report["http_1_0_closed"] as? Bool == true, "\(report)")
    }
}
