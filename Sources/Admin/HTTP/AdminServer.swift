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
    /// Routes, in one place: what is registered, and what the OpenAPI document must describe.
    public static let routes: [(method: String, path: String)] = [
        ("GET", "/healthz"), ("GET", "/metrics"), ("GET", "/openapi.yaml"),
        ("POST", "/v1/admin/actors"), ("GET", "/v1/admin/actors"), ("GET", "/v1/admin/actors/{id}"),
        ("POST", "/v1/admin/actors/{id}/keys"), ("DELETE", "/v1/admin/actors/{id}/keys"),
        ("POST", "/v1/admin/encryption/rotate-key"), ("POST", "/v1/admin/encryption/rewrap"),
        ("GET", "/v1/admin/encryption/jobs/{id}"), ("GET", "/v1/admin/encryption/status"),
        ("POST", "/v1/admin/encryption/reload"), ("GET", "/v1/admin/audit"),
        ("POST", "/v1/ledger/entries"), ("GET", "/v1/ledger/entries/{id}"), ("GET", "/v1/ledger/entries"),
    ]

    /// The router: metrics outermost (so they see every final status), then the error boundary,
    /// then the public routes, then `/v1` behind bearer tokens.
    public static func buildRouter(workspace: Workspace, jobs: JobRegistry = JobRegistry(), metrics: HTTPMetrics = HTTPMetrics()) -> Router<AdminRequestContext> {
        let router = Router(context: AdminRequestContext.self)
        router.add(middleware: MetricsMiddleware(metrics: metrics))
        router.add(middleware: ErrorMiddleware())
        SystemController(workspace: workspace, metrics: metrics).addRoutes(to: router)
        let v1 = router.group("/v1").add(middleware: TokenAuthenticator(store: workspace.store))
        AdminController(workspace: workspace, jobs: jobs, metrics: metrics).addRoutes(to: v1.group("/admin"))
        LedgerController(workspace: workspace).addRoutes(to: v1.group("/ledger"))
        return router
    }

    /// The application: the router on a socket, with the registry following key changes made
    /// by other processes for as long as it runs.
    public static func buildApplication(workspace: Workspace, configuration: ServerConfiguration, logger: Logger? = nil) -> some ApplicationProtocol {
        var logger = logger ?? Logger(label: "actorkeys")
        if logger.logLevel > .info { logger.logLevel = .info }
        return Application(
            router: buildRouter(workspace: workspace),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "actorkeys"),
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
