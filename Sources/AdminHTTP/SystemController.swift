import Admin
import Hummingbird

/// SystemController serves the routes without a token: `/healthz`, `/metrics` and
/// `/openapi.yaml`. None of them reveals a key, a token or a payload.
struct SystemController: Sendable {
    let workspace: Workspace
    let metrics: HTTPMetrics

    /// 200 when the database answers and the root key's sealing keys are held (fresh or
    /// stale), 503 otherwise.
    func health() async throws -> Response {
        try await workspace.checkHealth()
        let root = RootReport(workspace.root.snapshot())
        guard root.state != "closed" else {
            throw AdminError(.unavailable, "the root key is unavailable: \(root.lastError ?? "no sealing key is held")")
        }
        return JSONResponse.make(.ok, HealthReport(root: root))
    }

    func metricsText() -> Response {
        Response(
            status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: metrics.render(registry: workspace.registry.statistics))))
    }

    func document() -> Response {
        Response(
            status: .ok, headers: [.contentType: "application/yaml; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: OpenAPIDocument.yaml)))
    }
}
