import AdminHTTP
import CLI
internal import CMalloc
import FoundationEssentials
import Logging

// `actorkeys-server`: the commands of `actorkeys`, with `serve` running the HTTP API here.

// Buffers of a megabyte or more (request bodies, payloads) are mapped on their own and given
// back when freed. Left to itself glibc raises that threshold after the first large free, and
// then every thread's arena keeps the pages of the largest body it ever held.
_ = mallopt(M_MMAP_THRESHOLD, 1 << 20)
Server.run = { settings in
    let tls = settings.tls.map {
        ServerConfiguration.TLSFiles(certificateChain: $0.certificateChain, privateKey: $0.privateKey)
    }
    let application = try AdminServer.buildApplication(
        workspace: settings.workspace,
        configuration: ServerConfiguration(
            host: settings.host, port: settings.port, tls: tls, environment: ProcessInfo.processInfo.environment),
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
