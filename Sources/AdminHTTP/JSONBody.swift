import Admin
import Hummingbird

/// JSONBody reads a request body, up to a limit (413 beyond it), requires it to be JSON by its
/// Content-Type (415 otherwise: a form or XML body is never parsed as JSON), and decodes it as
/// the route's request type, strictly (see `JSONRequest`): nothing reaches a use case until all
/// of it holds.
enum JSONBody {
    static func decode<Body: JSONRequest>(_ type: Body.Type, from request: Request, limit: Int) async throws -> Body {
        var request = request
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: limit)
        } catch {
            throw APIError(.contentTooLarge, "body_too_large", "the request body is larger than \(limit) bytes")
        }
        let bytes = Array(buffer.readableBytesView)
        if !bytes.isEmpty, !isJSON(request.headers[.contentType]) {
            throw APIError(
                .unsupportedMediaType, "unsupported_media_type",
                "the request body must be Content-Type: application/json")
        }
        return try Body.decode(bytes)
    }

    /// `application/json` or a `+json` type, with any parameters, in any letter case (RFC 9110).
    static func isJSON(_ contentType: String?) -> Bool {
        guard let contentType else { return false }
        let type = String(contentType.prefix { $0 != ";" }.filter { $0 != " " && $0 != "\t" }).lowercased()
        return type == "application/json" || (type.hasPrefix("application/") && type.hasSuffix("+json"))
    }
}
