import ActorKeys
import Hummingbird
import Ledger
import Registry

/// AdminController serves `/v1/admin/…`: actors, keys, rotation, rewrap jobs, status, reload,
/// shred and the audit trail. Every route needs `is_admin`; rotation also
/// `can_rotate_encryption_key`, shred also `can_shred`. Actions go through KeyAdministration,
/// so each success and failure (a denied permission included) is audited.
struct AdminController {
    let workspace: Workspace
    let jobs: JobRegistry
    let metrics: HTTPMetrics

    static let adminBodyLimit = 16 * 1024

    func addRoutes(to group: RouterGroup<AdminRequestContext>) {
        group.post("/actors") { request, context in try await enroll(request, context) }
        group.get("/actors") { _, context in try await listActors(context) }
        group.get("/actors/{id}") { _, context in try await showActor(context) }
        group.post("/actors/{id}/keys") { _, context in try await createKey(context) }
        group.delete("/actors/{id}/keys") { _, context in try await shred(context) }
        group.post("/encryption/rotate-key") { request, context in try await rotate(request, context) }
        group.post("/encryption/rewrap") { request, context in try await rewrap(request, context) }
        group.get("/encryption/jobs/{id}") { _, context in try await job(context) }
        group.get("/encryption/status") { _, context in try await status(context) }
        group.post("/encryption/reload") { _, context in try await reload(context) }
        group.get("/audit") { request, context in try await audit(request, context) }
    }

    /// The administration acting as the request's principal, with its permissions.
    private func administration(_ context: AdminRequestContext) throws -> KeyAdministration {
        let principal = try context.requirePrincipal()
        return workspace.administration(as: .actor(principal.id), permissions: principal.permissions)
    }

    /// For read-only routes, which are not audited actions: `is_admin` or 403.
    private func requireAdmin(_ context: AdminRequestContext) throws {
        let principal = try context.requirePrincipal()
        guard principal.permissions.isAdmin else {
            throw APIError.forbidden(principal.permissions.isEmpty
                ? "actor \(principal.id) has no permissions entry: this needs is_admin"
                : "actor \(principal.id) lacks is_admin")
        }
    }

    // MARK: Actors

    private func enroll(_ request: Request, _ context: AdminRequestContext) async throws -> Response {
        let administration = try administration(context)
        let body = try await JSONBody.read(request, limit: Self.adminBodyLimit, allowed: ["actor_id", "keys", "is_admin", "can_rotate_encryption_key", "can_shred"])
        let id = try Parse.actor(try body.requireString("actor_id"))
        let keys = try body.string("keys") ?? KeyPolicy.auto.rawValue
        guard let policy = KeyPolicy(rawValue: keys) else { throw APIError.invalid("field \"keys\" is \"auto\" or \"opt-in\"") }
        let permissions = Permissions(
            isAdmin: try body.bool("is_admin") ?? false, canRotateEncryptionKey: try body.bool("can_rotate_encryption_key") ?? false,
            canShred: try body.bool("can_shred") ?? false)
        let enrollment = try await administration.enroll(id, keys: policy, permissions: permissions)
        return JSONResponse.make(.created, ActorReport(enrollment.actor, keys: enrollment.key.map { [$0] } ?? []))
    }

    private func listActors(_ context: AdminRequestContext) async throws -> Response {
        try requireAdmin(context)
        var reports: [ActorReport] = []
        do {
            for actor in try await workspace.store.actors() {
                reports.append(ActorReport(actor, keys: try await workspace.store.keyringOf(.actor(actor.id)).versions))
            }
        } catch { throw APIError(error) }
        return JSONResponse.make(.ok, ["actors": reports])
    }

    private func showActor(_ context: AdminRequestContext) async throws -> Response {
        try requireAdmin(context)
        let id = try Parse.actor(try context.parameters.require("id"))
        do {
            guard let actor = try await workspace.store.actor(id) else { throw APIError.notFound("actor \(id) does not exist") }
            return JSONResponse.make(.ok, ActorReport(actor, keys: try await workspace.store.keyringOf(.actor(id)).versions))
        } catch let error as LedgerError { throw APIError(error) }
    }

    private func createKey(_ context: AdminRequestContext) async throws -> Response {
        let administration = try administration(context)
        let id = try Parse.actor(try context.parameters.require("id"))
        let created = try await administration.createKey(for: id)
        return JSONResponse.make(.created, KeyFilesReport(version: created.version, files: created.files))
    }

    private func shred(_ context: AdminRequestContext) async throws -> Response {
        let administration = try administration(context)
        let id = try Parse.actor(try context.parameters.require("id"))
        let shredding = try await administration.shred(id, confirmed: true)
        return JSONResponse.make(.ok, ShredReport(shredding))
    }

    // MARK: Encryption

    private func rotate(_ request: Request, _ context: AdminRequestContext) async throws -> Response {
        let administration = try administration(context)
        let body = try await JSONBody.read(request, limit: Self.adminBodyLimit, allowed: ["actor_id", "name", "force"])
        let owner: Owner = try body.string("actor_id").map { .actor(try Parse.actor($0)) } ?? .shared
        let rotation = try await administration.rotate(owner, name: try body.string("name"), force: try body.bool("force") ?? false)
        metrics.recordRotation()
        return JSONResponse.make(.ok, RotationReport(rotation))
    }

    private func rewrap(_ request: Request, _ context: AdminRequestContext) async throws -> Response {
        let administration = try administration(context)
        let body = try await JSONBody.read(request, limit: Self.adminBodyLimit, allowed: ["actor_id", "all"])
        let all = try body.bool("all") ?? false
        let actor = try body.string("actor_id").map { try Parse.actor($0) }
        if all && actor != nil { throw APIError.invalid("give actor_id or all, not both") }
        let owner: Owner? = all ? nil : actor.map { .actor($0) } ?? .shared
        if let actor, try await workspace.store.actor(actor) == nil { throw APIError.notFound("actor \(actor) does not exist") }
        try await administration.authorize("encryption.rewrap", target: actor?.rawValue, needs: [.isAdmin])
        let job = jobs.startRewrap(owner, administration: administration)
        return JSONResponse.make(.accepted, ["job": job])
    }

    private func job(_ context: AdminRequestContext) async throws -> Response {
        try requireAdmin(context)
        let id = try context.parameters.require("id")
        guard let job = jobs.job(id) else { throw APIError.notFound("job \(id.prefix(64)) does not exist") }
        return JSONResponse.make(.ok, job)
    }

    private func status(_ context: AdminRequestContext) async throws -> Response {
        try requireAdmin(context)
        let status = try await workspace.administration(as: .actor(try context.requirePrincipal().id)).status()
        return JSONResponse.make(.ok, StatusReport(status))
    }

    /// Drops every cached key and re-reads the key generation: what a restart would do for
    /// keys, without one. Rotations are live anyway; this is for keys changed by hand on disk.
    private func reload(_ context: AdminRequestContext) async throws -> Response {
        let administration = try administration(context)
        try await administration.authorize("encryption.reload", target: nil, needs: [.isAdmin])
        let evicted = workspace.registry.evictAll()
        _ = try? await workspace.registry.refresh()
        try await administration.recordSuccess("encryption.reload", target: nil, details: ["owners_evicted": String(evicted)])
        return JSONResponse.make(.ok, ["reloaded": AnyEncodable(true), "owners_evicted": AnyEncodable(evicted)])
    }

    // MARK: Audit

    private func audit(_ request: Request, _ context: AdminRequestContext) async throws -> Response {
        try requireAdmin(context)
        let query = request.uri.queryParameters
        let after = try Parse.integer(query["after"].map(String.init), name: "after") ?? 0
        let limit = try Parse.limit(query["limit"].map(String.init))
        let since = try query["since"].map { text in
            guard let time = Timestamp(rfc3339: String(text)) else { throw APIError.invalid("since is a UTC time like 2026-11-23T06:00:00Z") }
            return time
        }
        let events: [AuditRecord]
        do { events = try await workspace.store.auditEvents(after: Int64(after), since: since, limit: limit) } catch { throw APIError(error) }
        return JSONResponse.make(.ok, AuditPage(events: events, nextAfter: events.count == limit ? events.last?.sequence : nil))
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

    static func limit(_ text: String?) throws -> Int {
        let limit = try integer(text, name: "limit") ?? 100
        guard (1...1000).contains(limit) else { throw APIError.invalid("limit is between 1 and 1000") }
        return limit
    }
}

/// A page of the audit trail; `next_after` is the `after` of the next page, null at the end.
struct AuditPage: Encodable {
    let events: [AuditEventReport]
    let nextAfter: Int64?

    init(events: [AuditRecord], nextAfter: Int64?) {
        self.events = events.map(AuditEventReport.init)
        self.nextAfter = nextAfter
    }

    enum CodingKeys: String, CodingKey {
        case events
        case nextAfter = "next_after"
    }

    func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(events, forKey: .events)
        try container.encode(nextAfter, forKey: .nextAfter)
    }
}

/// Wraps heterogeneous values for small JSON objects.
struct AnyEncodable: Encodable {
    private let encodeValue: (Encoder) throws -> Void
    init(_ value: some Encodable) { encodeValue = value.encode }
    func encode(to encoder: Encoder) throws { try encodeValue(encoder) }
}
