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

    @Test("serve --tls-cert --tls-key: HTTPS with a certificate the test makes, checked by curl; bad files refused")
    func tls() async throws {
        let openssl = try requireTool(Self.which("openssl"), "openssl(1) is needed to make a test certificate")
        let curl = try requireTool(Self.which("curl"), "curl(1) is needed to check the server's TLS")
        let session = try LedgerSession(.sqlite)
        let initialized = try session.run("init", "--json")
        let token = try #require(
            (try JSONSerialization.jsonObject(with: Data(initialized.stdout)) as? [String: String])?["token"])
        let certificate = session.directory.file("cert.pem")
        let key = session.directory.file("key.pem")
        let made = try run(
            openssl,
            [
                "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", key,
                "-out", certificate, "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
            ])
        try #require(made.status == 0, "\(made.stderr)")

        // Files that cannot serve are refused before anything listens: one line, exit 1.
        let other = session.directory.file("other.pem")
        _ = try run(openssl, ["ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", other])
        for (cert, privateKey, reason) in [
            (certificate, other, "does not go with"), (session.directory.file("none.pem"), key, "cannot read"),
        ] {
            let refused = try session.run("serve", "--port", "1", "--tls-cert", cert, "--tls-key", privateKey)
            #expect(
                refused.status == 1 && refused.isOneErrorLine && refused.stderr.contains(reason), "\(refused.stderr)")
        }
        #expect(try session.run("serve", "--tls-cert", certificate).status == 2)

        let port = Int.random(in: 20_000...40_000)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Tools.actorkeys)
        process.arguments = ["serve", "--port", String(port), "--tls-cert", certificate, "--tls-key", key]
        process.environment = session.environment
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { process.terminate() } }
        let base = "https://127.0.0.1:\(port)"
        var up = false
        for _ in 0..<100 where !up {
            up = try run(curl, ["-sf", "--cacert", certificate, base + "/healthz"]).status == 0
            if !up { try await Task.sleep(for: .milliseconds(50)) }
        }
        try #require(up, "the TLS server did not come up")
        let written = try run(
            curl,
            [
                "-s", "--cacert", certificate, "-H", "Authorization: Bearer \(token)", "-H",
                "Content-Type: application/json", "-d", #"{"actor_id":"admin","payload":"over TLS"}"#,
                "-w", "%{http_code} %{ssl_verify_result}", "-o", "/dev/null", base + "/v1/ledger/entries",
            ])
        #expect(written.stdoutText == "201 0", "\(written.stdoutText) \(written.stderr)")
        // Without the certificate trusted, curl refuses; plain HTTP on the TLS port gets nothing.
        #expect(try run(curl, ["-s", base + "/healthz"]).status != 0)
        #expect(try run(curl, ["-sf", "--max-time", "5", "http://127.0.0.1:\(port)/healthz"]).status != 0)
    }

    static func which(_ name: String) -> String? {
        ["/usr/bin/", "/bin/", "/usr/local/bin/"].map { $0 + name }.first {
            FileManager.default.isExecutableFile(atPath: $0)
        }
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
