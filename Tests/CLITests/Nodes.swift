import AdminTestSupport
import Foundation
import Ledger
import TestSupport

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Nodes are several actorkeys processes that share one database and one root key and nothing
/// else: each node has its own, initially empty, home folder.
struct Nodes {
    let directory = TemporaryDirectory()
    let backend: TestBackend
    let databaseURL: String
    let rootKey: TestRootKey
    let rootURI: String
    /// The provider's credentials, in every node's environment.
    let credentials: [String: String]

    init(_ backend: TestBackend, _ rootKey: TestRootKey) throws {
        self.backend = backend
        self.rootKey = rootKey
        databaseURL = try backend.freshDatabaseURL(in: directory)
        rootURI = try rootKey.uri(home: directory.file("node-a"))
        credentials = try rootKey.credentials()
    }

    func home(_ node: String) -> String { directory.file("node-\(node)") }

    func environment(_ node: String, extra: [String: String] = [:]) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["ACTORKEYS_HOME"] = home(node)
        environment["ACTORKEYS_DATABASE_URL"] = databaseURL
        return environment.merging(credentials) { $1 }.merging(extra) { $1 }
    }

    /// Runs `actorkeys` as `node`.
    @discardableResult
    func run(
        _ node: String, _ arguments: String..., input: [UInt8] = [], extra: [String: String] = [:]
    ) throws -> CommandResult {
        try TestSupport.run(Tools.actorkeys, arguments, input: input, environment: environment(node, extra: extra))
    }

    /// `init` on node a; returns the bootstrap admin's token.
    func initialize() throws -> String {
        let result = try run("a", "init", "--root-key", rootURI, "--json")
        guard result.status == 0,
            let json = try JSONSerialization.jsonObject(with: Data(result.stdout)) as? [String: Any],
            let token = json["token"] as? String
        else { throw TestRootKey.Missing(description: "init failed: \(result.stderr)") }
        return token
    }

    /// Every file under the home folders, read, for secrets that must not be there.
    func homeFiles() -> [(String, Data)] {
        let enumerator = FileManager.default.enumerator(atPath: directory.path)
        var files: [(String, Data)] = []
        while let path = enumerator?.nextObject() as? String {
            let full = directory.file(path)
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory), !isDirectory.boolValue,
                let data = FileManager.default.contents(atPath: full)
            {
                files.append((path, data))
            }
        }
        return files
    }

    /// Every value of every row of every table, as text (bytes decoded leniently).
    func databaseText() async throws -> String {
        try await LedgerStore.open(try DatabaseURL(databaseURL)).textOfEveryRow(in: [
            "actors", "actor_keys", "data_keys", "ledger_entries", "audit_events", "api_tokens", "workspace",
            "root_keys", "sealing_keys", "sealing_key_wraps", "schema_migrations",
        ])
    }
}

/// ServerNode is `actorkeys serve` running as one node.
final class ServerNode {
    let process = Process()
    let base: String
    /// A file, not a pipe: a server that logs more than a pipe holds must never block.
    let logPath: String

    let port: Int

    /// Starts `actorkeys serve` as `node`; `launcher` runs it through another program that then
    /// executes it (`prlimit --nofile=256:256`).
    init(_ nodes: Nodes, node: String, extra: [String: String] = [:], launcher: [String] = []) async throws {
        let port = Int.random(in: 20_000...40_000)
        self.port = port
        base = "http://127.0.0.1:\(port)"
        logPath = nodes.directory.file("serve-\(node)-\(port).log")
        FileManager.default.createFile(atPath: logPath, contents: nil)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        let command = launcher + [Tools.actorkeys, "serve", "--port", String(port)]
        process.executableURL = URL(fileURLWithPath: command[0])
        process.arguments = Array(command.dropFirst())
        process.environment = nodes.environment(node, extra: extra)
        process.standardOutput = log
        process.standardError = log
        try process.run()
        for _ in 0..<200 {
            if (try? await request("/healthz"))?.0 == 200 { return }
            if !process.isRunning { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        stop()
        throw TestRootKey.Missing(description: "the server on node \(node) did not come up")
    }

    func request(
        _ path: String, method: String = "GET", token: String? = nil, body: String? = nil
    )
        async throws -> (Int, [String: Any])
    {
        var request = URLRequest(url: URL(string: base + path)!)
        request.httpMethod = method
        request.timeoutInterval = 10
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        if let body {
            request.httpBody = Data(body.utf8)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        let json = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
        return ((response as! HTTPURLResponse).statusCode, json)
    }

    /// Stops the server (SIGTERM) and returns what it logged.
    @discardableResult
    func stop() -> String {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        return (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
    }

    deinit { if process.isRunning { process.terminate() } }
}
