import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import NIOPosix

/// HTTPReply is what a provider answered: the status and a bounded body.
public struct HTTPReply: Sendable {
    public let status: Int
    public let body: [UInt8]
}

/// ProviderHTTP is the HTTP(S) transport of the KMS providers: the process's one kept client
/// (it pools connections and lives as long as the process), a timeout on every call, and a
/// 1 MiB bound on every answer. It runs on an event loop of its own, so the root of trust's
/// calls never wait behind a busy HTTP server in the same process. A refused connection fails
/// at once instead of being retried until the deadline: an unreachable provider is reported as
/// such, and the process goes on with its cached keys. A request's headers and body may
/// carry credentials; they reach the wire and nothing else: errors name the host and the
/// failure, never a header, a body or a query.
public struct ProviderHTTP: Sendable {
    public let timeout: Duration
    static let maxBody = 1 << 20

    static let client: HTTPClient = {
        var configuration = HTTPClient.Configuration.singletonConfiguration
        configuration.connectionPool.retryConnectionEstablishment = false
        return HTTPClient(eventLoopGroup: MultiThreadedEventLoopGroup(numberOfThreads: 1), configuration: configuration)
    }()

    public init(timeout: Duration = .seconds(10)) {
        self.timeout = timeout
    }

    /// Sends one request; `.networkError` when the host cannot be reached in time.
    public func send(
        _ method: HTTPMethod, _ url: String, headers: [(String, String)], body: [UInt8]? = nil
    ) async throws(RootKeyError) -> HTTPReply {
        var request = HTTPClientRequest(url: url)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body {
            request.body = .bytes(ByteBuffer(bytes: body))
            request.headers.replaceOrAdd(name: "content-length", value: String(body.count))
        }
        let host = Self.host(of: url)
        do {
            let response = try await Self.client.execute(request, timeout: .nanoseconds(timeout.nanoseconds))
            var buffer = try await response.body.collect(upTo: Self.maxBody)
            let bytes = buffer.readBytes(length: buffer.readableBytes) ?? []
            return HTTPReply(status: Int(response.status.code), body: bytes)
        } catch let error as NIOTooManyBytesError {
            _ = error
            throw RootKeyError(.networkError, "\(host) answered with more than 1 MiB")
        } catch {
            throw RootKeyError(.networkError, "cannot reach \(host): \(Self.reason(error))")
        }
    }

    /// `scheme://host:port` of a URL, the only part of it an error names.
    static func host(of url: String) -> String {
        let parts = url.split(separator: "/", maxSplits: 3, omittingEmptySubsequences: false)
        guard parts.count >= 3, parts[0].hasSuffix(":"), parts[1].isEmpty else { return "the provider" }
        return "\(parts[0])//\(parts[2].prefix { $0 != "?" })"
    }

    /// A short reason for a transport failure: the error's kind, not its payload.
    static func reason(_ error: any Error) -> String {
        if let error = error as? HTTPClientError {
            switch error {
            case .deadlineExceeded, .readTimeout, .connectTimeout, .writeTimeout: return "timed out"
            case .remoteConnectionClosed: return "the connection was closed"
            default: return "\(error)".prefix(120).description
            }
        }
        if error is CancellationError { return "cancelled" }
        let text = "\(error)"
        if text.contains("connectTimeout") || text.contains("TimeoutError") { return "timed out" }
        if text.contains("refused") { return "connection refused" }
        if text.contains("NXDOMAIN") || text.contains("resolve") || text.contains("lookup") {
            return "the host name does not resolve"
        }
        if text.contains("SSL") || text.contains("TLS") || text.contains("certificate") { return "TLS failed" }
        return String(text.prefix(120))
    }
}

extension Duration {
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
