import Hummingbird
import Registry
import Synchronization

/// HTTPMetrics counts requests and their latencies per route and status, and rotations, and
/// renders them with the registry's cache counters as Prometheus text (format 0.0.4).
public final class HTTPMetrics: Sendable {
    static let buckets: [Double] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]

    private struct Series: Hashable {
        let method: String
        let route: String
        let status: Int
    }

    private struct Latency {
        var buckets = [Int](repeating: 0, count: HTTPMetrics.buckets.count)
        var sum = 0.0
        var count = 0
    }

    private struct State {
        var requests: [Series: Int] = [:]
        var latency: [String: Latency] = [:]
        var rotations = 0
    }

    private let state = Mutex(State())

    public init() {}

    func record(method: String, route: String, status: Int, seconds: Double) {
        state.withLock { state in
            state.requests[Series(method: method, route: route, status: status), default: 0] += 1
            var latency = state.latency[route, default: Latency()]
            for (index, bound) in Self.buckets.enumerated() where seconds <= bound { latency.buckets[index] += 1 }
            latency.sum += seconds
            latency.count += 1
            state.latency[route] = latency
        }
    }

    func recordRotation() { state.withLock { $0.rotations += 1 } }

    /// The exposition text.
    func render(registry: RegistryStatistics) -> String {
        let snapshot = state.withLock { $0 }
        var lines: [String] = []
        lines.append("# HELP actorkeys_http_requests_total HTTP requests by method, route and status.")
        lines.append("# TYPE actorkeys_http_requests_total counter")
        for (series, count) in snapshot.requests.sorted(by: {
            ($0.key.route, $0.key.method, $0.key.status) < ($1.key.route, $1.key.method, $1.key.status)
        }) {
            lines.append(
                "actorkeys_http_requests_total{method=\"\(series.method)\",route=\"\(Self.escape(series.route))\",status=\"\(series.status)\"} \(count)"
            )
        }
        lines.append("# HELP actorkeys_http_request_duration_seconds HTTP request latency by route.")
        lines.append("# TYPE actorkeys_http_request_duration_seconds histogram")
        for (route, latency) in snapshot.latency.sorted(by: { $0.key < $1.key }) {
            let label = "route=\"\(Self.escape(route))\""
            for (index, bound) in Self.buckets.enumerated() {
                lines.append(
                    "actorkeys_http_request_duration_seconds_bucket{\(label),le=\"\(bound)\"} \(latency.buckets[index])"
                )
            }
            lines.append("actorkeys_http_request_duration_seconds_bucket{\(label),le=\"+Inf\"} \(latency.count)")
            lines.append("actorkeys_http_request_duration_seconds_sum{\(label)} \(latency.sum)")
            lines.append("actorkeys_http_request_duration_seconds_count{\(label)} \(latency.count)")
        }
        lines.append("# HELP actorkeys_registry_cache_hits_total Encryptor registry cache hits.")
        lines.append("# TYPE actorkeys_registry_cache_hits_total counter")
        lines.append("actorkeys_registry_cache_hits_total \(registry.hits)")
        lines.append("# HELP actorkeys_registry_cache_misses_total Encryptor registry cache misses.")
        lines.append("# TYPE actorkeys_registry_cache_misses_total counter")
        lines.append("actorkeys_registry_cache_misses_total \(registry.misses)")
        lines.append("# HELP actorkeys_key_rotations_total Key rotations made through this server.")
        lines.append("# TYPE actorkeys_key_rotations_total counter")
        lines.append("actorkeys_key_rotations_total \(snapshot.rotations)")
        return lines.joined(separator: "\n") + "\n"
    }

    private static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
    }
}

/// MetricsMiddleware times every request, records it under its route pattern (so ids in paths
/// do not make a series each), and writes one access-log line: method, route, status and
/// duration. Never a header, a query or a body, so no token or payload reaches the log.
struct MetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: HTTPMetrics

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let start = ContinuousClock.now
        let response = try await next(request, context)
        let elapsed = ContinuousClock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let route = context.endpointPath ?? "unmatched"
        metrics.record(method: request.method.rawValue, route: route, status: response.status.code, seconds: seconds)
        context.logger.info(
            "request",
            metadata: [
                "method": "\(request.method.rawValue)", "route": "\(route)", "status": "\(response.status.code)",
                "ms": "\(Int(seconds * 1000))",
            ])
        return response
    }
}
