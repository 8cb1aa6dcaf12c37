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
        // The scheme is case-insensitive (RFC 9110, 11.1); the token is not.
        guard let header = request.headers[.authorization], let space = header.firstIndex(of: " "),
            header[..<space].lowercased() == "bearer"
        else {
            throw APIError.unauthorized
        }
        let token = header[header.index(after: space)...].drop { $0 == " " }
        guard let actor = try await workspace.authenticate(bearer: String(token)) else {
            throw APIError.unauthorized
        }
        var context = context
        context.principal = actor
        return try await next(request, context)
    }
}
