import Foundation
import TestSupport
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

@Suite("actorkeys serve", .serialized)
struct ServeTests {
    /// GETs or POSTs to the server; returns status and body.
    func request(
        _ url: String, method: String = "GET", token: String? = nil, body: String? = nil
    ) async throws -> (Int, String) {
        var request = URLRequest(url: URL(string: url)!)
        request.httpMethod = method
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        if let body {
            request.httpBody = Data(body.utf8)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as! HTTPURLResponse).statusCode, String(decoding: data, as: UTF8.self))
    }

    @Test(
        "serve answers over a socket, logs no secret, and stops gracefully on SIGTERM", arguments: TestBackend.allCases)
    func serve(_ backend: TestBackend) async throws {
        let session = try LedgerSession(backend)
        let initialized = try session.run("init", "--json")
        let token = try #require(
            (try JSONSerialization.jsonObject(with: Data(initialized.stdout)) as? [String: String])?["token"])
        let port = Int.random(in: 20_000...40_000)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Tools.actorkeys)
        process.arguments = ["serve", "--port", String(port)]
        process.environment = session.environment
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        defer { if process.isRunning { process.terminate() } }

        let base = "http://127.0.0.1:\(port)"
        var up = false
        for _ in 0..<100 where !up {
            up = (try? await request(base + "/healthz"))?.0 == 200
            if !up { try await Task.sleep(for: .milliseconds(50)) }
        }
        try #require(up, "the server did not come up")
        #expect(try await request(base + "/v1/admin/actors").0 == 401)
        let enrolled = try await request(
            base + "/v1/admin/actors", method: "POST", token: token, body: #"{"actor_id":"alice"}"#)
        #expect(enrolled.0 == 201)
        let rotated = try await request(
            base + "/v1/admin/encryption/rotate-key", method: "POST", token: token, body: #"{"actor_id":"alice"}"#)
        #expect(rotated.0 == 200)
        let written = try await request(
            base + "/v1/ledger/entries", method: "POST", token: token,
            body: #"{"actor_id":"alice","payload":"the secret prompt"}"#)
        #expect(written.0 == 201)

        process.terminate()  // SIGTERM
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let log = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(log.contains("route=/v1/admin/encryption/rotate-key") && log.contains("status=200"))
        #expect(!log.contains(token))
        #expect(!log.contains("AGE-SECRET-KEY"))
        #expect(!log.contains("the secret prompt"))
    }

    @Test("actorkeys links no HTTP server; serve runs actorkeys-server beside it, and says so when it is missing")
    func serverProgram() throws {
        let binary = try #require(FileManager.default.contents(atPath: Tools.actorkeys))
        let server = try #require(FileManager.default.contents(atPath: Tools.productsDirectory + "/actorkeys-server"))
        // The KMS providers' HTTP client (async-http-client, on NIO) is in both; the server is not.
        for module in ["Hummingbird", "HummingbirdCore"] {
            #expect(binary.range(of: Data(module.utf8)) == nil, "actorkeys contains \(module)")
            #expect(server.range(of: Data(module.utf8)) != nil, "actorkeys-server lacks \(module)")
        }
        // A copy of actorkeys alone: serve cannot start and says why, in one line.
        let directory = TemporaryDirectory()
        let alone = directory.file("actorkeys")
        try FileManager.default.copyItem(atPath: Tools.actorkeys, toPath: alone)
        let result = try run(alone, ["serve", "--home", directory.file("home"), "--port", "0"])
        #expect(result.status == 1 && result.isOneErrorLine, "\(result.stderr)")
        #expect(result.stderr.contains("actorkeys-server"))
    }
}
