import Admin
import Hummingbird
import Logging

/// ErrorMiddleware is the outermost boundary: every failure leaves as
/// `{"error": {"code", "message"}}`. `APIError`s keep their status and message; the use cases'
/// and every lower module's errors take their status from Admin's one error table;
/// Hummingbird's own errors (404, 413…) keep their status; anything else is a generic 500 whose
/// details go to the log, never to the client. Logs carry the error's type and message, never a header.
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            return try error.response(from: request, context: context)
        } catch let error where AdminError(translating: error) != nil {
            return try APIError(AdminError(error)).response(from: request, context: context)
        } catch let error as HTTPResponseError {
            let code =
                switch error.status {
                case .notFound: "not_found"
                case .methodNotAllowed: "method_not_allowed"
                case .contentTooLarge: "body_too_large"
                case .badRequest: "bad_request"
                default: "http_\(error.status.code)"
                }
            let message =
                error.status == .notFound
                ? "no such route: \(request.method) \(request.uri.path)" : error.status.reasonPhrase
            return try APIError(error.status, code, message).response(from: request, context: context)
        } catch {
            context.logger.error(
                "internal error", metadata: ["type": "\(type(of: error))", "path": "\(request.uri.path)"])
            return try APIError.generic.response(from: request, context: context)
        }
    }
}
