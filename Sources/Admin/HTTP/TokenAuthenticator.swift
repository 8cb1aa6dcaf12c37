import Hummingbird
import ActorKeys
import Ledger

/// TokenAuthenticator turns `Authorization: Bearer ak_…` into the request's principal. The
/// token is hashed and looked up by hash; the stored hash is compared again in constant time;
/// a revoked token, an unknown one, or one whose actor was shredded is a 401. The token itself is
/// never logged or stored.
struct TokenAuthenticator: RouterMiddleware {
    typealias Context = AdminRequestContext
    let store: LedgerStore

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer ") else { throw APIError.unauthorized }
        let token = String(header.dropFirst("Bearer ".count))
        guard APITokenFormat.isWellFormed(token) else { throw APIError.unauthorized }
        let hash = APITokenFormat.hash(token)
        guard let (record, storedHash) = try await lookup(hash), Self.constantTimeEqual(storedHash, hash) else { throw APIError.unauthorized }
        guard let actor = try await actor(record.actor), !actor.isShredded else { throw APIError.unauthorized }
        var context = context
        context.principal = actor
        return try await next(request, context)
    }

    private func lookup(_ hash: String) async throws -> (APIToken, String)? {
        do { return try await store.token(hash: hash) } catch { throw APIError(error) }
    }

    private func actor(_ id: ActorID) async throws -> Actor? {
        do { return try await store.actor(id) } catch { throw APIError(error) }
    }

    /// Compares two strings without stopping at the first difference.
    static func constantTimeEqual(_ lhs: String, _ rhs: String) -> Bool {
        let a = Array(lhs.utf8), b = Array(rhs.utf8)
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }
}
