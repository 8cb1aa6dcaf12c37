import ActorKeys
import Admin
import Hummingbird
import Ledger

/// LedgerController serves `/v1/ledger/entries` through the ledger API. Any authenticated actor
/// writes as itself and reads its own entries; admins may write and read for anyone. Payloads
/// travel as `payload` (UTF-8 text) or `payload_base64` (bytes).
struct LedgerController: Sendable {
    let workspace: Workspace

    /// 16 MiB of payload, base64-encoded, plus room for the other fields.
    static let bodyLimit = NewEntry.maxPayload / 3 * 4 + 64 * 1024

    func append(_ request: Request, _ context: AdminRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let body = try await JSONBody.decode(AppendEntryRequest.self, from: request, limit: Self.bodyLimit)
        let entry = try body.entry(defaultWriter: principal.id)
        guard entry.actor == principal.id || principal.permissions.isAdmin else {
            throw APIError.forbidden("actor \(principal.id) may only write its own entries")
        }
        let id = try await workspace.ledger.append(entry)
        guard let stored = try await workspace.ledger.sealedEntry(id) else { throw APIError.generic }
        return JSONResponse.make(.created, EntryReport(stored.entry, payload: nil))
    }

    func read(_ context: AdminRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let text = try context.parameters.require("id")
        let id: EntryID
        do { id = try EntryID(text) } catch { throw APIError.invalid(error.message) }
        guard let (entry, stored) = try await workspace.ledger.sealedEntry(id) else {
            throw APIError.notFound("entry \(id) does not exist")
        }
        guard entry.actor == principal.id || principal.permissions.isAdmin else {
            throw APIError.forbidden("actor \(principal.id) may only read its own entries")
        }
        return JSONResponse.make(.ok, EntryReport(entry, payload: try await workspace.ledger.open(entry, stored)))
    }

    func list(_ request: Request, _ context: AdminRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let query = request.uri.queryParameters
        let actor =
            try query["actor_id"].map { try Parse.actor(String($0)) }
            ?? (principal.permissions.isAdmin ? nil : principal.id)
        guard actor == principal.id || principal.permissions.isAdmin else {
            throw APIError.forbidden("actor \(principal.id) may only list its own entries")
        }
        let after = try Parse.integer(query["after"].map(String.init), name: "after") ?? 0
        let limit = try Parse.limit(query["limit"].map(String.init))
        let entries = try await workspace.ledger.list(actor: actor, after: Int64(after), limit: limit)
        return JSONResponse.make(.ok, EntryPageReport(entries: entries, limit: limit))
    }
}
