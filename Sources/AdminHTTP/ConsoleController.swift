import Hummingbird

/// ConsoleController serves the web console under `/ui/`: one page and its modules, embedded
/// in the binary at build time (`Console/`). Every path that is not an asset answers the page,
/// which routes itself. The console holds no secret and sets no cookie: it calls the API with
/// the token kept in the tab's sessionStorage. A strict Content-Security-Policy allows nothing
/// but this origin's own scripts, styles and API.
struct ConsoleController: Sendable {
    struct Asset: Sendable {
        let contentType: String
        let bytes: [UInt8]
    }

    static let assets: [String: Asset] = [
        "console.css": Asset(contentType: "text/css; charset=utf-8", bytes: PackageResources.console_css),
        "app.js": Asset(contentType: "text/javascript; charset=utf-8", bytes: PackageResources.app_js),
        "api.js": Asset(contentType: "text/javascript; charset=utf-8", bytes: PackageResources.api_js),
        "dom.js": Asset(contentType: "text/javascript; charset=utf-8", bytes: PackageResources.dom_js),
        "overview.js": Asset(contentType: "text/javascript; charset=utf-8", bytes: PackageResources.overview_js),
        "actors.js": Asset(contentType: "text/javascript; charset=utf-8", bytes: PackageResources.actors_js),
        "encryption.js": Asset(contentType: "text/javascript; charset=utf-8", bytes: PackageResources.encryption_js),
        "favicon.svg": Asset(contentType: "image/svg+xml", bytes: PackageResources.favicon_svg),
    ]

    static let contentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; "
        + "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

    /// `/ui` → `/ui/`.
    func redirect() -> Response {
        Response(status: .permanentRedirect, headers: [.location: "/ui/"])
    }

    /// The asset `/ui/assets/NAME`, or the page for any other path under `/ui/`.
    func serve(_ request: Request) throws -> Response {
        let path = request.uri.path
        guard path.hasPrefix("/ui/assets/") else {
            return response(Asset(contentType: "text/html; charset=utf-8", bytes: PackageResources.index_html))
        }
        guard let asset = Self.assets[String(path.dropFirst("/ui/assets/".count))] else {
            throw APIError.notFound("no such console asset")
        }
        return response(asset)
    }

    private func response(_ asset: Asset) -> Response {
        Response(
            status: .ok,
            headers: [
                .contentType: asset.contentType, .contentSecurityPolicy: Self.contentSecurityPolicy,
                .xContentTypeOptions: "nosniff", .init("Referrer-Policy")!: "no-referrer", .cacheControl: "no-cache",
                .init("X-Frame-Options")!: "DENY", .init("Cross-Origin-Opener-Policy")!: "same-origin",
            ],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: asset.bytes)))
    }
}
