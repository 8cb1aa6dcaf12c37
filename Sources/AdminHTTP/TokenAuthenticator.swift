import Admin
import Hummingbird

/// TokenAuthenticator turns `Authorization: Bearer ak_…` into the request's principal
/// (`Workspace.authenticate`); anything else is a 401. The token is never logged.
struct TokenAuthenticator: RouterMiddleware {
    typealias Context = AdminRequestContext
    let workspace: Workspace

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer ") else {
            throw APIError.unauthorized
        }
        guard let actor = try await workspace.authenticate(bearer: String(header.dropFirst("Bearer ".count))) else {
            throw APIError.unauthorized
        }
        var context = context
        context.principal = actor
        return try await next(request, context)
    }
}
