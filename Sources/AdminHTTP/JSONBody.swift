import Admin
import Hummingbird

/// JSONBody reads a request body, up to a limit (413 beyond it), and decodes it as the route's
/// request type, strictly (see `JSONRequest`): nothing reaches a use case until all of it holds.
enum JSONBody {
    static func decode<Body: JSONRequest>(_ type: Body.Type, from request: Request, limit: Int) async throws -> Body {
        var request = request
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: limit)
        } catch {
            throw APIError(.contentTooLarge, "body_too_large", "the request body is larger than \(limit) bytes")
        }
        return try Body.decode(Array(buffer.readableBytesView))
    }
}
