import AdminHTTP
import CLI
import FoundationEssentials
import Logging

// `actorkeys-server`: the commands of `actorkeys`, with `serve` running the HTTP API here.
Server.run = { settings in
    let application = AdminServer.buildApplication(
        workspace: settings.workspace,
        configuration: ServerConfiguration(
            host: settings.host, port: settings.port, environment: ProcessInfo.processInfo.environment),
        logger: Logger(label: "actorkeys"))
    do {
        try await application.runService()
    } catch {
        throw ServerStopped(reason: "\(error)")
    }
}
await Entry.main()

/// The server ended with an error (a port in use, say).
struct ServerStopped: Error, CustomStringConvertible {
    let reason: String
    var description: String { "the server stopped: \(reason)" }
}
