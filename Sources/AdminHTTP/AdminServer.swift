import Admin
import Hummingbird
import Logging
import ServiceLifecycle

/// ServerConfiguration is where `actorkeys serve` listens.
public struct ServerConfiguration: Sendable {
    public var host: String
    public var port: Int

    public init(host: String = "127.0.0.1", port: Int = 8080) {
        self.host = host
        self.port = port
    }
}

/// AdminServer is the composition root of the HTTP API: the router (what tests drive without
/// a socket) and the application (what `actorkeys serve` runs).
public enum AdminServer {
    /// The router: metrics outermost (so they see every final status), then the error boundary,
    /// then every endpoint of `AdminAPI`, those of `/v1` behind bearer tokens.
    public static func buildRouter(
        workspace: Workspace, jobs: JobRegistry? = nil, metrics: HTTPMetrics = HTTPMetrics()
    ) -> Router<AdminRequestContext> {
        let jobs = jobs ?? JobRegistry(store: workspace.store)
        let router = Router(context: AdminRequestContext.self)
        router.add(middleware: MetricsMiddleware(metrics: metrics))
        router.add(middleware: ErrorMiddleware())
        let controllers = Controllers(
            admin: AdminController(workspace: workspace, jobs: jobs, metrics: metrics),
            ledger: LedgerController(workspace: workspace),
            system: SystemController(workspace: workspace, metrics: metrics))
        let open = router.group()
        let authenticated = router.group().add(middleware: TokenAuthenticator(workspace: workspace))
        let console = ConsoleController()
        open.get("/ui") { request, _ in request.uri.path == "/ui" ? console.redirect() : try console.serve(request) }
        open.get("/ui/**") { request, _ in try console.serve(request) }
        for endpoint in AdminAPI.endpoints {
            let group = endpoint.access == .token ? authenticated : open
            group.on(RouterPath(endpoint.path), method: endpoint.method) { request, context in
                try await endpoint.handle(controllers, request, context)
            }
        }
        return router
    }

    /// The application: the router on a socket, with the registry following key changes made
    /// by other processes for as long as it runs.
    public static func buildApplication(
        workspace: Workspace, configuration: ServerConfiguration, logger: Logger? = nil
    ) -> some ApplicationProtocol {
        var logger = logger ?? Logger(label: "actorkeys")
        if logger.logLevel > .info { logger.logLevel = .info }
        return Application(
            router: buildRouter(workspace: workspace),
            configuration: .init(
                address: .hostname(configuration.host, port: configuration.port), serverName: "actorkeys"),
            services: [KeyChangeWatcher(workspace: workspace)],
            logger: logger)
    }
}

/// KeyChangeWatcher runs the registry's watch for the application's lifetime.
struct KeyChangeWatcher: Service {
    let workspace: Workspace

    func run() async throws {
        await cancelWhenGracefulShutdown {
            await workspace.watchKeyChanges()
        }
    }
}
