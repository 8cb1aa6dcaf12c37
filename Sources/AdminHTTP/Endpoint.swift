import Admin
import Hummingbird

/// Endpoint is one route of the API as one value: the router registers it from this, the
/// OpenAPI document describes it from this, and the tests hold every response to it. Nothing
/// else names a route, a parameter or a body schema.
struct Endpoint: Sendable {
    enum Access: Sendable {
        /// No token: `/healthz`, `/metrics`, `/openapi.yaml`.
        case open
        /// `Authorization: Bearer ak_…`.
        case token
    }

    /// A path or query parameter.
    struct Parameter: Sendable {
        enum Location: String, Sendable { case path, query }
        let name: String
        let location: Location
        let type: JSONType
        let summary: String

        static func path(_ name: String, _ type: JSONType, _ summary: String) -> Parameter {
            Parameter(name: name, location: .path, type: type, summary: summary)
        }

        static func query(_ name: String, _ type: JSONType, _ summary: String) -> Parameter {
            Parameter(name: name, location: .query, type: type, summary: summary)
        }
    }

    /// One documented answer: a status and its body.
    struct Reply: Sendable {
        enum Body: Sendable {
            case json(JSONType, schemas: [@Sendable () -> ObjectDescription])
            case text(contentType: String)
            /// A YAML document: what a client parses from it is an object.
            case yaml
        }

        let status: Int
        let summary: String
        let body: Body

        static func json<Report: JSONReport>(_ status: Int, _ report: Report.Type, _ summary: String) -> Reply {
            Reply(status: status, summary: summary, body: .json(Report.jsonType, schemas: Report.namedSchemas))
        }

        static func text(_ contentType: String, _ summary: String) -> Reply {
            Reply(status: 200, summary: summary, body: .text(contentType: contentType))
        }

        static func yaml(_ summary: String) -> Reply { Reply(status: 200, summary: summary, body: .yaml) }

        static func error(_ status: Int) -> Reply {
            .json(status, ErrorReport.self, errorSummaries[status] ?? "An error.")
        }

        /// What each error status means on this API.
        static let errorSummaries: [Int: String] = [
            400: "The body is not JSON; on PUT config, the provider test failed (code: its error_code).",
            401: "No valid bearer token.",
            403: "A permission is missing (the message names it).",
            404: "It does not exist.", 409: "The current state forbids it.",
            410: "Its owner was shredded: it can never be read.",
            413: "The body is too large.", 415: "The body is not Content-Type: application/json.",
            422: "The request is invalid (the message says how).",
            500: "A failure underneath; no detail is shown.", 503: "The database does not answer.",
        ]
    }

    let method: HTTPRequest.Method
    let path: String
    let summary: String
    let access: Access
    let parameters: [Parameter]
    let request: ObjectDescription?
    let replies: [Reply]
    let handle: @Sendable (Controllers, Request, AdminRequestContext) async throws -> Response

    /// `errors` are the failures particular to the route. Every route also documents 500 (a
    /// failure underneath, shown without detail), every token route 401 and 503 (the token is
    /// looked up in the database), and every route with a body 400, 413, 415 and 422.
    init(
        _ method: HTTPRequest.Method, _ path: String, _ summary: String, access: Access = .token,
        parameters: [Parameter] = [],
        request: (any JSONRequest.Type)? = nil, replies: [Reply], errors: [Int] = [],
        _ handle: @escaping @Sendable (Controllers, Request, AdminRequestContext) async throws -> Response
    ) {
        self.method = method
        self.path = path
        self.summary = summary
        self.access = access
        self.parameters = parameters
        self.request = request.map { $0.schemaDescription }
        var statuses = Set(errors + [500])
        if access == .token { statuses.formUnion([401, 503]) }
        if request != nil { statuses.formUnion([400, 413, 415, 422]) }
        self.replies = replies + statuses.sorted().map(Reply.error)
        self.handle = handle
    }

    /// Whether `path` (without a query) is this endpoint's template with values in it.
    func matches(method: HTTPRequest.Method, path: String) -> Bool {
        method == self.method && matches(path: path)
    }

    /// Whether `path` (without a query) is this endpoint's template, whatever the method.
    func matches(path: String) -> Bool {
        let template = self.path.split(separator: "/", omittingEmptySubsequences: false)
        let actual = path.split(separator: "/", omittingEmptySubsequences: false)
        guard template.count == actual.count else { return false }
        return zip(template, actual).allSatisfy { $0.hasPrefix("{") || $0 == $1 }
    }
}

extension JSONRequest {
    static var schemaDescription: ObjectDescription { schema.description }
}

/// Controllers are what the endpoints' handlers call.
struct Controllers: Sendable {
    let admin: AdminController
    let ledger: LedgerController
    let system: SystemController
}
