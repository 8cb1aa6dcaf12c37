import Admin
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOCore
import NIOSSL
import ServiceLifecycle

#if canImport(Glibc)
import Glibc
#endif

/// ServerConfiguration is where `actorkeys serve` listens, and how long and how many clients it
/// waits for.
public struct ServerConfiguration: Sendable {
    public var host: String
    public var port: Int
    /// A request head must be complete within this of the connection opening or of the previous
    /// response (`ACTORKEYS_HTTP_HEAD_TIMEOUT`, seconds, default 10).
    public var headTimeout: Duration
    /// A request's body must be complete within this of its head (`ACTORKEYS_HTTP_BODY_TIMEOUT`,
    /// default 60).
    public var bodyTimeout: Duration
    /// Connections served at once; more wait to be accepted (`ACTORKEYS_HTTP_MAX_CONNECTIONS`,
    /// default: the descriptor limit less 64 for the database and files, at most 4096).
    public var maxConnections: Int
    /// `serve --tls-cert FILE --tls-key FILE`: PEM files; nil serves plain HTTP.
    public var tls: TLSFiles?

    /// TLSFiles are a PEM certificate chain and the PEM private key that goes with it.
    public struct TLSFiles: Sendable {
        public let certificateChain: String
        public let privateKey: String

        public init(certificateChain: String, privateKey: String) {
            self.certificateChain = certificateChain
            self.privateKey = privateKey
        }
    }

    public init(
        host: String = "127.0.0.1", port: Int = 8080, tls: TLSFiles? = nil, environment: [String: String] = [:]
    ) {
        self.host = host
        self.port = port
        self.tls = tls
        func number(_ name: String) -> Int? { environment[name].flatMap { Int($0) }.flatMap { $0 > 0 ? $0 : nil } }
        headTimeout = .seconds(number("ACTORKEYS_HTTP_HEAD_TIMEOUT") ?? 10)
        bodyTimeout = .seconds(number("ACTORKEYS_HTTP_BODY_TIMEOUT") ?? 60)
        maxConnections = number("ACTORKEYS_HTTP_MAX_CONNECTIONS") ?? Self.descriptorBudget
    }

    static var descriptorBudget: Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 1024 }
        return max(16, min(4096, Int(clamping: limit.rlim_cur) - 64))
    }
}

/// AdminServer is the composition root of the HTTP API: the router (what tests drive without
/// a socket) and the application (what `actorkeys serve` runs).
public enum AdminServer {
    /// The router: metrics outermost (so they see every final status), then the error boundary,
    /// then the gate that takes large bodies two at a time, then every endpoint of `AdminAPI`, those of `/v1` behind bearer tokens.
    public static func buildRouter(
        workspace: Workspace, jobs: JobRegistry? = nil, metrics: HTTPMetrics = HTTPMetrics()
    ) -> Router<AdminRequestContext> {
        let jobs = jobs ?? JobRegistry(store: workspace.store)
        let router = Router(context: AdminRequestContext.self)
        router.add(middleware: MetricsMiddleware(metrics: metrics))
        router.add(middleware: ErrorMiddleware())
        router.add(middleware: LargeBodyGate())
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
    /// With `configuration.tls`, only HTTPS is served; a certificate or key that cannot be read
    /// is an error here, before anything listens.
    public static func buildApplication(
        workspace: Workspace, configuration: ServerConfiguration, logger: Logger? = nil
    ) throws -> some ApplicationProtocol {
        var logger = logger ?? Logger(label: "actorkeys")
        if logger.logLevel > .info { logger.logLevel = .info }
        let head = TimeAmount(configuration.headTimeout)
        let body = TimeAmount(configuration.bodyTimeout)
        // One handler per connection: the autoclosure makes it when a connection opens.
        var server = HTTPServerBuilder.http1(
            configuration: .init(
                additionalChannelHandlers: [RequestDeadlines(head: head, body: body)], idleTimeout: .seconds(300)))
        if let tls = configuration.tls { server = try .tls(server, tlsConfiguration: try tlsConfiguration(tls)) }
        return Application(
            router: buildRouter(workspace: workspace),
            server: server,
            configuration: .init(
                address: .hostname(configuration.host, port: configuration.port), serverName: "actorkeys",
                availableConnectionsDelegate: MaximumAvailableConnections(configuration.maxConnections)),
            services: [KeyChangeWatcher(workspace: workspace)],
            logger: logger)
    }
}

extension AdminServer {
    /// The server's TLS: the PEM chain and key, TLS 1.2 at least, the key checked against the
    /// certificate. Errors name the file, never the key's content.
    static func tlsConfiguration(_ files: ServerConfiguration.TLSFiles) throws -> TLSConfiguration {
        let chain: [NIOSSLCertificate]
        do { chain = try NIOSSLCertificate.fromPEMFile(files.certificateChain) } catch {
            throw TLSFileError(description: "cannot read the TLS certificate chain \(files.certificateChain)")
        }
        guard !chain.isEmpty else {
            throw TLSFileError(description: "the TLS certificate file \(files.certificateChain) holds no certificate")
        }
        let key: NIOSSLPrivateKey
        do { key = try NIOSSLPrivateKey(file: files.privateKey, format: .pem) } catch {
            throw TLSFileError(description: "cannot read the TLS private key \(files.privateKey)")
        }
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        configuration.minimumTLSVersion = .tlsv12
        // Fails here, not at the first handshake, when the key is not the certificate's.
        do { _ = try NIOSSLContext(configuration: configuration) } catch {
            throw TLSFileError(
                description: "the TLS private key \(files.privateKey) does not go with \(files.certificateChain)")
        }
        return configuration
    }
}

/// TLSFileError is a certificate or key that `serve` cannot use.
public struct TLSFileError: Error, CustomStringConvertible {
    public let description: String
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
