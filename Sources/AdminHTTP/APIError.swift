import Admin
import FoundationEssentials
import Hummingbird

/// APIError is every error the HTTP API answers with: a status and the body
/// `{"error": {"code": "...", "message": "..."}}`. Only this type shapes an error response;
/// anything else becomes a generic 500 with nothing leaked (see `ErrorMiddleware`).
public struct APIError: HTTPResponseError, Sendable {
    public let status: HTTPResponse.Status
    public let code: String
    public let message: String

    public init(_ status: HTTPResponse.Status, _ code: String, _ message: String) {
        self.status = status
        self.code = code
        self.message = message
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        JSONResponse.make(status, ErrorReport(code: code, message: message))
    }

    /// The status for a use case's failure.
    /// The status of a use case's failure, from Admin's one error table.
    public init(_ error: AdminError) {
        self.init(HTTPResponse.Status(code: error.code.httpStatus), error.code.rawValue, error.message)
    }

    static func invalid(_ message: String) -> APIError { APIError(.unprocessableContent, "invalid_argument", message) }
    static func notFound(_ message: String) -> APIError { APIError(.notFound, "not_found", message) }
    static func forbidden(_ message: String) -> APIError { APIError(.forbidden, "permission_denied", message) }
    static let unauthorized = APIError(
        .unauthorized, "unauthorized", "a valid bearer token is required: Authorization: Bearer ak_…")
    static let generic = APIError(.internalServerError, "internal", "internal error")
}

/// JSONResponse sends a report as the CLI prints it (`JSONReport.jsonBytes`).
public enum JSONResponse {
    public static func make(_ status: HTTPResponse.Status, _ value: some JSONReport) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: value.jsonBytes)))
    }
}
