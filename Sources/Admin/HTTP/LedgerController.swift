import ActorKeys
import FoundationEssentials
import Hummingbird
import Ledger

/// LedgerController serves `/v1/ledger/entries`. Any authenticated actor writes as itself and
/// reads its own entries; admins may write and read for anyone. Payloads travel as `payload`
/// (UTF-8 text) or `payload_base64` (bytes).
struct LedgerController {
    let workspace: Workspace

    /// 16 MiB of payload, base64-encoded, plus room for the other fields.
    static let bodyLimit = NewEntry.maxPayload / 3 * 4 + 64 * 1024

    func addRoutes(to group: RouterGroup<AdminRequestContext>) {
        group.post("/entries") { request, context in try await append(request, context) }
        group.get("/entries/{id}") { _, context in try await read(context) }
        group.get("/entries") { request, context in try await list(request, context) }
    }

    private func append(_ request: Request, _ context: AdminRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let body = try await JSONBody.read(request, limit: Self.bodyLimit, allowed: ["actor_id", "kind", "payload", "payload_base64", "encrypt"])
        let actor = try body.string("actor_id").map(Parse.actor) ?? principal.id
        guard actor == principal.id || principal.permissions.isAdmin else {
            throw APIError.forbidden("actor \(principal.id) may only write its own entries")
        }
        let payload: [UInt8]
        let format: PayloadFormat
        switch (try body.string("payload"), try body.string("payload_base64")) {
        case (let text?, nil):
            payload = Array(text.utf8)
            format = .text
        case (nil, let encoded?):
            guard let data = Data(base64Encoded: encoded) else { throw APIError.invalid("field \"payload_base64\" is not base64") }
            payload = [UInt8](data)
            format = .binary
        default:
            throw APIError.invalid("give exactly one of payload and payload_base64")
        }
        do {
            let entry = try NewEntry(actor: actor, kind: try body.string("kind") ?? "prompt", payload: payload, format: format, encrypt: try body.bool("encrypt") ?? true)
            let id = try await workspace.ledger.append(entry)
            guard let stored = try await workspace.store.entry(id) else { throw APIError.internalError }
            return JSONResponse.make(.created, EntryReport(stored.0, payload: nil))
        } catch let error as LedgerError {
            throw APIError(error)
        }
    }

    private func read(_ context: AdminRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let text = try context.parameters.require("id")
        let id: EntryID
        do { id = try EntryID(text) } catch { throw APIError.invalid(error.message) }
        do {
            guard let (entry, stored) = try await workspace.store.entry(id) else { throw APIError.notFound("entry \(id) does not exist") }
            guard entry.actor == principal.id || principal.permissions.isAdmin else {
                throw APIError.forbidden("actor \(principal.id) may only read its own entries")
            }
            return JSONResponse.make(.ok, EntryReport(entry, payload: try await workspace.ledger.open(entry, stored)))
        } catch let error as LedgerError {
            throw APIError(error)
        }
    }

    private func list(_ request: Request, _ context: AdminRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let query = request.uri.queryParameters
        let actor = try query["actor_id"].map { try Parse.actor(String($0)) } ?? (principal.permissions.isAdmin ? nil : principal.id)
        guard actor == principal.id || principal.permissions.isAdmin else {
            throw APIError.forbidden("actor \(principal.id) may only list its own entries")
        }
        let after = try Parse.integer(query["after"].map(String.init), name: "after") ?? 0
        let limit = try Parse.limit(query["limit"].map(String.init))
        do {
            let entries = try await workspace.ledger.list(actor: actor, after: Int64(after), limit: limit)
            return JSONResponse.make(.ok, EntryPage(entries: entries.map { EntryReport($0, payload: nil) }, nextAfter: entries.count == limit ? entries.last?.sequence : nil))
        } catch {
            throw APIError(error)
        }
    }
}

/// A page of entries; `next_after` is the `after` of the next page, null at the end.
struct EntryPage: Encodable {
    let entries: [EntryReport]
    let nextAfter: Int64?

    enum CodingKeys: String, CodingKey {
        case entries
        case nextAfter = "next_after"
    }

    func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(entries, forKey: .entries)
        try container.encode(nextAfter, forKey: .nextAfter)
    }
}
