import Hummingbird
import Ledger

/// SystemController serves the unauthenticated routes: `/healthz`, `/metrics` and
/// `/openapi.yaml`. None of them reveals a key, a token or a payload.
struct SystemController {
    let workspace: Workspace
    let metrics: HTTPMetrics

    func addRoutes(to router: Router<AdminRequestContext>) {
        router.get("/healthz") { _, _ in try await health() }
        router.get("/metrics") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                     body: ResponseBody(byteBuffer: ByteBuffer(string: metrics.render(registry: workspace.registry.statistics))))
        }
        router.get("/openapi.yaml") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/yaml; charset=utf-8"],
                     body: ResponseBody(byteBuffer: ByteBuffer(string: OpenAPIDocument.yaml)))
        }
    }

    /// 200 when the database answers, 503 otherwise.
    private func health() async throws -> Response {
        do {
            _ = try await workspace.store.pool.read { connection throws(LedgerError) in try connection.query("SELECT 1", []) }
            return JSONResponse.make(.ok, ["status": "ok", "database": "ok"])
        } catch {
            throw APIError(.serviceUnavailable, "unavailable", "the database does not answer")
        }
    }
}
