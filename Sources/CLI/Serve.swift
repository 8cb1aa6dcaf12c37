import Admin
import ArgumentParser

#if canImport(Glibc)
import Glibc
#endif

extension ActorKeysCommand {
    /// `actorkeys serve`: the admin HTTP API.
    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "serve",
            abstract:
                "Serve the admin HTTP API (JSON, bearer tokens) and the web console over the same home folder and database.",
            discussion: """
                Rotations made here, from the CLI or by another server are picked up within a second, \
                without a restart. SIGINT or SIGTERM stops it gracefully. The API is described at \
                GET /openapi.yaml; health at /healthz, Prometheus metrics at /metrics; the web console \
                (sign in with an API token) is at /ui/. With --tls-cert and --tls-key it serves HTTPS \
                only (TLS 1.2 or later), so tokens never cross the network in clear. The server is \
                the actorkeys-server program installed beside actorkeys, which this command runs, so \
                that the other commands start without an HTTP stack.
                """
        )

        @Option(name: .long, help: ArgumentHelp("The address to listen on.", valueName: "HOST"))
        var host = "127.0.0.1"

        @Option(name: .long, help: ArgumentHelp("The port to listen on.", valueName: "PORT"))
        var port = 8080

        @Option(
            name: .long,
            help: ArgumentHelp("Serve HTTPS with this PEM certificate chain (with --tls-key).", valueName: "FILE"))
        var tlsCert: String?

        @Option(name: .long, help: ArgumentHelp("The PEM private key of --tls-cert.", valueName: "FILE"))
        var tlsKey: String?

        @OptionGroup var workspace: WorkspaceOptions

        func validate() throws {
            guard (0...65535).contains(port) else { throw ValidationError("--port is between 0 and 65535.") }
            guard (tlsCert == nil) == (tlsKey == nil) else {
                throw ValidationError("--tls-cert and --tls-key go together.")
            }
        }

        func run() async throws {
            guard let server = Server.run else { try Server.executeServerProgram() }
            let opened = try await workspace.open()
            // A server that cannot unseal anything does not start: one line that says why.
            let root = opened.root.snapshot()
            guard root.open else {
                throw CLIError(
                    .failed, "cannot serve: \(root.lastError ?? "the root key's sealing keys are not available")")
            }
            let tls = tlsCert.flatMap { cert in tlsKey.map { Server.TLS(certificateChain: cert, privateKey: $0) } }
            do {
                try await server(Server.Settings(workspace: opened, host: host, port: port, tls: tls))
            } catch let error as CLIError {
                throw error
            } catch {
                throw CLIError(.failed, "cannot serve: \(error)")
            }
        }
    }
}

/// Server is how `serve` reaches the HTTP server, which this module does not link: the
/// `actorkeys-server` program sets `run` before it parses its arguments; `actorkeys` has none
/// and runs that program instead, with its own arguments.
public enum Server {
    public struct Settings: Sendable {
        public let workspace: Workspace
        public let host: String
        public let port: Int
        /// HTTPS instead of HTTP, when given.
        public let tls: TLS?
    }

    /// TLS is the PEM files of `--tls-cert` and `--tls-key`.
    public struct TLS: Sendable {
        public let certificateChain: String
        public let privateKey: String
    }

    /// Runs the server until it stops; set once, at the start of `actorkeys-server`.
    nonisolated(unsafe) public static var run: (@Sendable (Settings) async throws -> Void)?

    static let programName = "actorkeys-server"

    /// Replaces this process with `actorkeys-server` from the folder of this executable, with
    /// the same arguments (so the same parsing, and the same errors).
    static func executeServerProgram() throws(CLIError) -> Never {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let length = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard length > 0 else { throw CLIError(.failed, "cannot find this program's own path to start \(programName)") }
        let own = String(decoding: buffer[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let path = String(own[..<(own.lastIndex(of: "/") ?? own.startIndex)]) + "/" + programName
        guard access(path, X_OK) == 0 else {
            throw CLIError(
                .failed,
                "actorkeys serve runs \(programName), which is not beside actorkeys at \(path): install both programs")
        }
        let arguments = [path] + CommandLine.arguments.dropFirst()
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        execv(path, &argv)
        let reason = String(cString: strerror(errno))
        throw CLIError(.failed, "cannot start \(path): \(reason)")
    }
}
