import ActorKeys
import Admin
import Hummingbird
import Ledger
import Registry

/// AdminController serves `/v1/admin/…` (the routes are in `AdminAPI`): each handler decodes
/// the request, calls one use case of `KeyAdministration` as the request's principal, and
/// encodes its report. Permissions and auditing are the use cases' business.
struct AdminController: Sendable {
    let workspace: Workspace
    let jobs: JobRegistry
    let metrics: HTTPMetrics

    static let bodyLimit = 16 * 1024
    /// A provider's fields: every schema-valid body fits, even with each of its 19 fields at
    /// its longest (1,024 characters), each an astral character escaped as `\uD83D\uDE00`.
    static let providerBodyLimit = 256 * 1024

    /// Decodes the body of `action`: a body refused is a failure of that action, audited as one
    /// (`admin.<action>.error.<code>`), like every other.
    private func body<Body: JSONRequest>(
        _ type: Body.Type, of request: Request, for action: String, target: String? = nil,
        by administration: KeyAdministration, limit: Int = Self.bodyLimit
    ) async throws -> Body {
        do {
            return try await JSONBody.decode(type, from: request, limit: limit)
        } catch let error as AdminError {
            try? await administration.recordRejection(
                action, target: target, code: error.code.rawValue, details: ["error": error.message])
            throw error
        } catch let error as APIError {
            try? await administration.recordRejection(
                action, target: target, code: error.code, details: ["error": error.message])
            throw error
        }
    }

    /// The administration acting as the request's principal, with its permissions.
    private func administration(_ context: AdminRequestContext) throws -> KeyAdministration {
        let principal = try context.requirePrincipal()
        return workspace.administration(as: .actor(principal.id), permissions: principal.permissions)
    }

    // MARK: Actors

    func enroll(_ request: Request, _ context: AdminRequestContext) async throws -> Response {
        let administration = try administration(context)
        let body = try await body(EnrollRequest.self, of: request, for: "actor.enroll", by: administration)
        let id = try Parse.actor(body.actorID ?? "")
        let enrollment = try await administration.enroll(
            id, keys: body.keyPolicy, keyType: body.requestedKeyType, permissions: body.permissions)
        return JSONResponse.make(.created, ActorReport(enrollment.actor, keys: enrollment.key.map { [$0] } ?? []))
    }

    func listActors(_ context: AdminRequestContext) async throws -> Response {
        JSONResponse.make(.ok, ActorListReport(try await administration(context).actors()))
    }

    func showActor(_ context: AdminRequestContext) async throws -> Response {
        let id = try Parse.actor(try context.parameters.require("id"))
        return JSONResponse.make(.ok, ActorReport(try await administration(context).actor(id)))
    }

    func testConnection(_ request: Request, _ context: AdminRequestContext) async throws -> Response {
        let administration = try administration(context)
        let body = try await body(
            ProviderConfigRequest.self, of: request, for: "encryption.test_connection", by: administration,
            limit: Self.providerBodyLimit)
        let result = try await administration.testConnection(try ProviderConfiguration(body))
        return JSONResponse.make(.ok, ConnectionTestReport(result))
    }

    func patchActor(_ request: Request, _ context: AdminRequestContext) async throws -> Response {
        let id = try Parse.actor(try context.parameters.require("id"))
        let administration = try administration(context)
        let body = try await body(
            PatchActorRequest.self, of: request, for: "actor.set", target: id.rawValue, by: administration)
        _ = try await administration.setPermissions(of: id, body.change)
        return JSONResponse.make(.ok, ActorReport(try await administration.actor(id)))
    }

    func createKey(_ request: Request, _ context: AdminRequestContext) async throws -> Response {
        let id = try Parse.actor(try context.parameters.require("id"))
        let administration = try administration(context)
        let body = try await body(
            CreateKeyRequest.self, of: request, for: "encryption.key_create", target: id.rawValue, by: administration)
        let created = try await administration.createKey(for: id, keyType: body.requestedKeyType)
        return JSONResponse.make(.created, KeyVersionReport(created.version))
    }

    func shred(_ context: AdminRequestContext) async throws -> Response {
        let id = try Parse.actor(try context.parameters.require("id"))
        return JSONResponse.make(.ok, ShredReport(try await administration(context).shred(id, confirmed: true)))
    }

    // MARK: Encryption

    func rotate(_ request: Request, _ context: AdminRequestContext) async throws -> Response {
        let administration = try administration(context)
        let body = try await body(RotateKeyRequest.self, of: request, for: "encryption.rotate", by: administration)
        let owner: Owner = try body.actorID.map { .actor(try Parse.actor($0)) } ?? .shared
        let rotation = try await administration.rotate(
            owner, name: body.name, force: body.force ?? false, keyType: body.requestedKeyType)
        metrics.recordRotation()
        return JSONResponse.make(.ok, RotationReport(rotation))
    }

    func rewrap(_ request: Request, _ context: AdminRequestContext) async throws -> Response {
        let administration = try administration(context)
        let body = try await body(RewrapRequest.self, of: request, for: "encryption.rewrap", by: administration)
        let all = body.all ?? false
        let actor = try body.actorID.map { try Parse.actor($0) }
        let owner: Owner? = all ? nil : actor.map { .actor($0) } ?? .shared
        try await administration.authorize("encryption.rewrap", target: actor?.rawValue, needs: [.isAdmin])
        if let actor { _ = try await administration.actor(actor) }
        return JSONResponse.make(
            .accepted, JobAcceptedReport(job: try await jobs.startRewrap(owner, administration: administration)))
    }

    func rotateRoot(_ context: AdminRequestContext) async throws -> Response {
        let administration = try administration(context)
        try await administration.authorize("root.rotate", target: nil, needs: [.isAdmin])
        return JSONResponse.make(
            .accepted, JobAcceptedReport(job: try await jobs.startRootRotation(administration: administration)))
    }

    func job(_ context: AdminRequestContext) async throws -> Response {
        let administration = try administration(context)
        try administration.authorize([.isAdmin])
        let id = try context.parameters.require("id")
        guard let job = try await jobs.job(id) else { throw APIError.notFound("job \(id.prefix(64)) does not exist") }
        return JSONResponse.make(.ok, job)
    }

    func status(_ request: Request, _ context: AdminRequestContext) async throws -> Response {
        let fresh = try Parse.flag(request.uri.queryParameters["fresh"].map(String.init), name: "fresh")
        return JSONResponse.make(
            .ok, StatusReport(try await administration(context).status(provider: fresh ? .fresh : .cached)))
    }

    // MARK: Provider configuration

    func showConfig(_ context: AdminRequestContext) async throws -> Response {
        JSONResponse.make(.ok, ProviderSettingsReport(try await administration(context).providerSettings()))
    }

    /// Tests, then saves; a failed test is a 400 whose code is the test's `error_code`.
    func saveConfig(_ request: Request, _ context: AdminRequestContext) async throws -> Response {
        let administration = try administration(context)
        let body = try await body(
            ProviderConfigRequest.self, of: request, for: "encryption.config.save", by: administration,
            limit: Self.providerBodyLimit)
        switch try await administration.saveProviderSettings(try ProviderConfiguration(body)) {
        case .saved(let settings):
            return JSONResponse.make(.ok, ProviderSettingsReport(settings))
        case .rejected(let test):
            let code = test.error?.code.rawValue ?? "invalid_uri"
            throw APIError(.badRequest, code, test.error?.message ?? "the connection test failed")
        }
    }

    func removeConfig(_ context: AdminRequestContext) async throws -> Response {
        JSONResponse.make(.ok, ProviderRemovalReport(try await administration(context).removeProviderSettings()))
    }

    /// Drops every cached key and re-reads the key generation: what a restart would do for
    /// keys, without one. Rotations are live anyway; this is for keys changed by hand on disk.
    func reload(_ context: AdminRequestContext) async throws -> Response {
        JSONResponse.make(.ok, ReloadReport(ownersEvicted: try await administration(context).reload()))
    }

    // MARK: Audit

    func audit(_ request: Request, _ context: AdminRequestContext) async throws -> Response {
        let query = request.uri.queryParameters
        let after = try Parse.integer(query["after"].map(String.init), name: "after") ?? 0
        let limit = try Parse.limit(query["limit"].map(String.init))
        let since = try query["since"].map { text in
            guard let time = Timestamp(rfc3339: String(text)) else {
                throw APIError.invalid("since is a UTC time like 2026-11-23T06:00:00Z")
            }
            return time
        }
        let events = try await administration(context).auditEvents(after: Int64(after), since: since, limit: limit)
        return JSONResponse.make(.ok, AuditPageReport(events: events, limit: limit))
    }
}

/// Parse turns path and query strings into typed values, or a 422 that says what is expected.
enum Parse {
    static func actor(_ text: String) throws -> ActorID {
        do { return try ActorID(text) } catch { throw APIError.invalid(error.message) }
    }

    static func integer(_ text: String?, name: String) throws -> Int? {
        guard let text else { return nil }
        guard let value = Int(text), value >= 0 else { throw APIError.invalid("\(name) is a non-negative integer") }
        return value
    }

    static func flag(_ text: String?, name: String) throws -> Bool {
        switch text {
        case nil, "false": return false
        case "true": return true
        default: throw APIError.invalid("\(name) is true or false")
        }
    }

    static func limit(_ text: String?) throws -> Int {
        let limit = try integer(text, name: "limit") ?? 100
        guard (1...1000).contains(limit) else { throw APIError.invalid("limit is between 1 and 1000") }
        return limit
    }
}
