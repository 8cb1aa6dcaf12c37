import Admin
import Hummingbird
import Logging

/// ErrorMiddleware is the outermost boundary: every failure leaves as
/// `{"error": {"code", "message"}}`. `APIError`s keep their status and message; the use cases'
/// and every lower module's errors take their status from Admin's one error table;
/// Hummingbird's own errors keep their status (a known path asked with another method is a 405
/// with `Allow`; a 413 closes the connection); anything else is a generic 500 whose
/// details go to the log, never to the client. Logs carry the error's type and message, never a header.
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            var response = try error.response(from: request, context: context)
            // After a body too large, the rest of it is not read: the connection cannot be reused.
            if error.status == .contentTooLarge { response.headers[.connection] = "close" }
            return response
        } catch let error where AdminError(translating: error) != nil {
            return try APIError(AdminError(error)).response(from: request, context: context)
        } catch let error as HTTPResponseError where error.status == .notFound {
            // A known route asked with another method is a 405 that says which ones it takes.
            let path = request.uri.path
            let console = path == "/ui" || path.hasPrefix("/ui/")
            let allowed =
                console ? ["GET"] : AdminAPI.endpoints.filter { $0.matches(path: path) }.map(\.method.rawValue).sorted()
            guard !allowed.isEmpty else {
                return try APIError(.notFound, "not_found", "no such route: \(request.method) \(path)")
                    .response(from: request, context: context)
            }
            var response = try APIError(
                .methodNotAllowed, "method_not_allowed", "\(path) takes \(allowed.joined(separator: ", "))"
            ).response(from: request, context: context)
            response.headers[.allow] = allowed.joined(separator: ", ")
            return response
        } catch let error as HTTPResponseError {
            let code =
                switch error.status {
                case .methodNotAllowed: "method_not_allowed"
                case .contentTooLarge: "body_too_large"
                case .badRequest: "bad_request"
                default: "http_\(error.status.code)"
                }
            let message = error.status.reasonPhrase
            var response = try APIError(error.status, code, message).response(from: request, context: context)
            if error.status == .contentTooLarge { response.headers[.connection] = "close" }
            return response
        } catch {
            context.logger.error(
                "internal error", metadata: ["type": "\(type(of: error))", "path": "\(request.uri.path)"])
            return try APIError.generic.response(from: request, context: context)
        }
    }
}
