import Admin
import AdminHTTP
import ArgumentParser
import Logging

extension ActorKeysCommand {
    /// `actorkeys serve`: the admin HTTP API.
    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Serve the admin HTTP API (JSON, bearer tokens) over the same home folder and database.",
            discussion: """
                Rotations made here, from the CLI or by another server are picked up within a second, \
                without a restart. SIGINT or SIGTERM stops it gracefully. The API is described at \
                GET /openapi.yaml; health at /healthz, Prometheus metrics at /metrics.
                """
        )

        @Option(name: .long, help: ArgumentHelp("The address to listen on.", valueName: "HOST"))
        var host = "127.0.0.1"

        @Option(name: .long, help: ArgumentHelp("The port to listen on.", valueName: "PORT"))
        var port = 8080

        @OptionGroup var workspace: WorkspaceOptions

        func validate() throws {
            guard (0...65535).contains(port) else { throw ValidationError("--port is between 0 and 65535.") }
        }

        func run() async throws {
            let opened = try await workspace.open()
            let application = AdminServer.buildApplication(workspace: opened, configuration: ServerConfiguration(host: host, port: port), logger: Logger(label: "actorkeys"))
            do {
                try await application.runService()
            } catch {
                throw CLIError(.failed, "the server stopped: \(error)")
            }
        }
    }
}
