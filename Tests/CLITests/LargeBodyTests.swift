import Foundation
import TestSupport
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The server's memory under many large bodies at once (issue 13): sixteen concurrent appends
/// of 16 MiB bodies, every one stored, with the server's peak resident memory (VmHWM) bounded.
@Suite("actorkeys serve under large bodies", .serialized)
struct LargeBodyTests {
    /// The server's peak resident set, in MiB, from /proc.
    static func peakMiB(of pid: Int32) throws -> Int {
        let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
        let line = try #require(status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") })
        let kilobytes = try #require(Int(line.split(separator: " ").dropFirst().first ?? ""))
        return kilobytes / 1024
    }

    @Test("16 concurrent 16 MiB bodies: all stored; the peak memory is what two cost, not sixteen")
    func concurrentLargeBodies() async throws {
        let nodes = try Nodes(.sqlite, .local)
        let token = try nodes.initialize()
        let server = try await ServerNode(nodes, node: "a")
        defer { server.stop() }
        let payload = Data((0..<(12 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31) }).base64EncodedString()
        let body = Data(#"{"actor_id":"admin","encrypt":true,"payload_base64":"\#(payload)"}"#.utf8)
        let before = try Self.peakMiB(of: server.process.processIdentifier)
        let url = URL(string: server.base + "/v1/ledger/entries")!
        @Sendable func upload() async throws -> Int {
            var request = URLRequest(url: url)
            request.httpMethod = "POST"
            request.timeoutInterval = 300
            request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            let (_, response) = try await URLSession.shared.upload(for: request, from: body)
            return (response as! HTTPURLResponse).statusCode
        }
        // One alone: what a large body costs the server.
        #expect(try await upload() == 201)
        let alone = try Self.peakMiB(of: server.process.processIdentifier)
        let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<16 { group.addTask { try await upload() } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(statuses == Array(repeating: 201, count: 16), "\(statuses)")
        let peak = try Self.peakMiB(of: server.process.processIdentifier)
        print("large bodies: server peak \(peak) MiB for 16 at once, \(alone) MiB for one, \(before) MiB before")
        // Two are handled at a time: sixteen at once cost what two do, not sixteen times one.
        #expect(peak - before <= 2 * (alone - before) + 64, "peak \(peak) MiB, one alone \(alone), before \(before)")
    }
}
