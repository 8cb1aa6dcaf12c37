import Hummingbird
import Ledger

/// AdminRequestContext carries the authenticated actor of a request, once the token
/// middleware has found it.
public struct AdminRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The actor the bearer token belongs to, with its permissions.
    public var principal: Actor?

    public init(source: Source) {
        coreContext = .init(source: source)
    }

    /// Bodies are read explicitly with their own limits (`JSONBody`); this is the fallback.
    public var maxUploadSize: Int { 64 * 1024 }

    /// The authenticated actor, or 401.
    func requirePrincipal() throws -> Actor {
        guard let principal else { throw APIError.unauthorized }
        return principal
    }
}
