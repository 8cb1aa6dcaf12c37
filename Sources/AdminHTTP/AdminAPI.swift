import Admin
import Hummingbird

/// AdminAPI is the HTTP contract of DESIGN.md in one table: every route, its parameters, its
/// request body and the answers it gives. `AdminServer.buildRouter` registers exactly these;
/// `OpenAPIDocument` describes exactly these.
enum AdminAPI {
    static let title = "actorkeys admin API"
    static let version = "0.1.0"
    static let description = """
        Per-actor keys and an envelope-encrypted ledger. JSON over HTTP. Every /v1 route needs \
        `Authorization: Bearer <token>` (tokens are `ak_` and 43 base64url characters, made by \
        `actorkeys init` and `actorkeys token create`). Admin routes need `is_admin`; rotation also \
        `can_rotate_encryption_key`; shredding also `can_shred`; the root key provider's routes \
        (test-connection, config) need `is_infra_admin` instead. Errors are \
        `{"error": {"code": "...", "message": "..."}}`. Every administrative action, success or \
        failure, is written to the audit trail. The web console, served under /ui/, uses these routes.
        """

    static let actorID = Endpoint.Parameter.path("id", .slug, "The actor id.")
    static let after = Endpoint.Parameter.query("after", .cursor, "Items after this sequence number (default 0).")
    static let limit = Endpoint.Parameter.query(
        "limit", .integer(minimum: 1, maximum: 1000), "At most this many (default 100).")

    static let endpoints: [Endpoint] = [
        Endpoint(
            .get, "/healthz", "Liveness, database reachability and the root key's state.", access: .open,
            replies: [.json(200, HealthReport.self, "The server, its database and its sealing keys serve.")],
            errors: [503]
        ) { c, _, _ in
            try await c.system.health()
        },
        Endpoint(
            .get, "/metrics", "Prometheus metrics: requests, latencies, registry cache hits and misses, rotations.",
            access: .open,
            replies: [.text("text/plain", "Prometheus text format 0.0.4.")]
        ) { c, _, _ in
            c.system.metricsText()
        },
        Endpoint(
            .get, "/openapi.yaml", "This document.", access: .open,
            replies: [.yaml("The OpenAPI document.")]
        ) { c, _, _ in
            c.system.document()
        },

        Endpoint(
            .get, "/v1/me", "The actor the token belongs to and its permissions (what the web console shows).",
            replies: [.json(200, PrincipalReport.self, "The token's actor.")]
        ) { _, _, context in
            JSONResponse.make(.ok, PrincipalReport(try context.requirePrincipal()))
        },
        Endpoint(
            .post, "/v1/admin/actors",
            "Enroll an actor, with its own key at once (auto) or under the shared key until it opts in (opt-in).",
            request: EnrollRequest.self, replies: [.json(201, ActorReport.self, "Enrolled.")], errors: [403, 409]
        ) { c, request, context in
            try await c.admin.enroll(request, context)
        },
        Endpoint(
            .get, "/v1/admin/actors", "List actors with their key versions.",
            replies: [.json(200, ActorListReport.self, "Every actor.")], errors: [403]
        ) { c, _, context in
            try await c.admin.listActors(context)
        },
        Endpoint(
            .get, "/v1/admin/actors/{id}", "One actor with its key versions.", parameters: [actorID],
            replies: [.json(200, ActorReport.self, "The actor.")], errors: [403, 404, 422]
        ) { c, _, context in
            try await c.admin.showActor(context)
        },
        Endpoint(
            .patch, "/v1/admin/actors/{id}",
            "Change an actor's permissions; absent fields stay. Changing is_infra_admin needs is_infra_admin too.",
            parameters: [actorID], request: PatchActorRequest.self,
            replies: [.json(200, ActorReport.self, "The actor as it is now.")], errors: [403, 404, 409]
        ) { c, request, context in
            try await c.admin.patchActor(request, context)
        },
        Endpoint(
            .post, "/v1/admin/actors/{id}/keys",
            "Opt in, giving an enrolled actor its own key (of key_type, default the shared key's). New rows use it; ledger migrate moves its shared-key rows.",
            parameters: [actorID], request: CreateKeyRequest.self,
            replies: [.json(201, KeyVersionReport.self, "The new key version, its identity sealed in the database.")],
            errors: [403, 404, 409, 422]
        ) { c, request, context in
            try await c.admin.createKey(request, context)
        },
        Endpoint(
            .delete, "/v1/admin/actors/{id}/keys",
            "Shred an actor: every version of its key is erased and its rows can never be read again. Needs can_shred.",
            parameters: [actorID], replies: [.json(200, ShredReport.self, "What was erased.")],
            errors: [403, 404, 409, 422]
        ) { c, _, context in
            try await c.admin.shred(context)
        },
        Endpoint(
            .post, "/v1/admin/encryption/test-connection",
            "Test a root key provider's configuration: the URL's shape, the credentials, the key, a wrap/unwrap round trip. Saves nothing. Needs is_infra_admin.",
            request: ProviderConfigRequest.self,
            replies: [.json(200, ConnectionTestReport.self, "The outcome: ok, or the failing step's code and detail.")],
            errors: [403]
        ) { c, request, context in
            try await c.admin.testConnection(request, context)
        },
        Endpoint(
            .post, "/v1/admin/encryption/rotate-key",
            "Rotate an actor's key (no actor_id: the shared key). Live at once, lossless, no restart. Needs is_admin and can_rotate_encryption_key.",
            request: RotateKeyRequest.self, replies: [.json(200, RotationReport.self, "The rotation.")],
            errors: [403, 404, 409]
        ) { c, request, context in
            try await c.admin.rotate(request, context)
        },
        Endpoint(
            .post, "/v1/admin/encryption/rewrap",
            "Start re-wrapping data keys to the active key version, as a background job.",
            request: RewrapRequest.self, replies: [.json(202, JobAcceptedReport.self, "The job, running.")],
            errors: [403, 404]
        ) { c, request, context in
            try await c.admin.rewrap(request, context)
        },
        Endpoint(
            .get, "/v1/admin/encryption/jobs/{id}", "A job's progress.",
            parameters: [.path("id", .string, "The job id (job_…).")],
            replies: [.json(200, Job.self, "The job.")], errors: [403, 404]
        ) { c, _, context in
            try await c.admin.job(context)
        },
        Endpoint(
            .get, "/v1/admin/encryption/status",
            "Per owner: key versions and states, data keys, rows by protection state and rows still depending on a non-active version; the root key, what its provider says of it, and each scope's last rewrap or reseal. Needs is_admin; an infra admin without it sees the root key and scopes only.",
            parameters: [
                .query(
                    "fresh", .boolean,
                    "Ask the provider now and unwrap the sealing keys anew, instead of its five-minute cache.")
            ],
            replies: [.json(200, StatusReport.self, "The status.")], errors: [403, 422]
        ) { c, request, context in
            try await c.admin.status(request, context)
        },
        Endpoint(
            .get, "/v1/admin/encryption/config",
            "The root key provider's configuration, without secrets: each secret as {name}_set. Needs is_infra_admin.",
            replies: [.json(200, ProviderSettingsReport.self, "The configuration in force.")], errors: [403, 404]
        ) { c, _, context in
            try await c.admin.showConfig(context)
        },
        Endpoint(
            .put, "/v1/admin/encryption/config",
            "Test a provider configuration, then save it and move the workspace's root key to it (as root set). A blank secret keeps the stored one. A failed test is a 400 with the test's error_code as the error's code, and changes nothing. Needs is_infra_admin.",
            request: ProviderConfigRequest.self,
            replies: [.json(200, ProviderSettingsReport.self, "Saved and in force.")],
            errors: [403, 409, 503]
        ) { c, request, context in
            try await c.admin.saveConfig(request, context)
        },
        Endpoint(
            .delete, "/v1/admin/encryption/config",
            "Back to the local root key, when the provider can still unwrap the sealing keys (removed and fallback_available false, with the provider's error, when it cannot: nothing changes). Needs is_infra_admin.",
            replies: [.json(200, ProviderRemovalReport.self, "Removed, or why not.")], errors: [403, 404]
        ) { c, _, context in
            try await c.admin.removeConfig(context)
        },
        Endpoint(
            .post, "/v1/admin/encryption/root/rotate",
            "Start re-wrapping the sealing keys under the root key's newest version, as a background job. Needs is_admin.",
            replies: [.json(202, JobAcceptedReport.self, "The job, running.")], errors: [403]
        ) { c, _, context in
            try await c.admin.rotateRoot(context)
        },
        Endpoint(
            .post, "/v1/admin/encryption/reload",
            "Drop every cached key and read them again from the database and disk. Rotations are live without it.",
            replies: [.json(200, ReloadReport.self, "Reloaded.")], errors: [403]
        ) { c, _, context in
            try await c.admin.reload(context)
        },
        Endpoint(
            .get, "/v1/admin/audit", "Page through the hash-chained audit trail, oldest first.",
            parameters: [after, .query("since", .dateTime, "Only events at or after this time (UTC)."), limit],
            replies: [.json(200, AuditPageReport.self, "A page of events.")], errors: [403, 422]
        ) { c, request, context in
            try await c.admin.audit(request, context)
        },

        Endpoint(
            .post, "/v1/ledger/entries",
            "Append an entry, sealed under the writer's key (or the shared key), or in plaintext. Actors write as themselves; admins for anyone.",
            request: AppendEntryRequest.self,
            replies: [.json(201, EntryReport.self, "The entry, without its payload.")], errors: [403, 404, 409]
        ) { c, request, context in
            try await c.ledger.append(request, context)
        },
        Endpoint(
            .get, "/v1/ledger/entries",
            "List entries (without payloads), oldest first. Actors see their own; admins anyone's.",
            parameters: [.query("actor_id", .slug, "Only this writer's entries."), after, limit],
            replies: [.json(200, EntryPageReport.self, "A page of entries.")], errors: [403, 422]
        ) { c, request, context in
            try await c.ledger.list(request, context)
        },
        Endpoint(
            .get, "/v1/ledger/entries/{id}",
            "An entry with its payload in the clear, whatever protects it. Rows of shredded actors answer 410.",
            parameters: [.path("id", .entryID, "The entry id.")],
            replies: [.json(200, EntryReport.self, "The entry.")], errors: [403, 404, 410, 422]
        ) { c, _, context in
            try await c.ledger.read(context)
        },
    ]

    /// The endpoint `method` and `path` (without a query) reach, if any.
    static func endpoint(_ method: HTTPRequest.Method, _ path: String) -> Endpoint? {
        endpoints.first { $0.matches(method: method, path: path) }
    }

    /// Every named schema the endpoints use, by name, with the schemas they refer to.
    static let schemas: [String: ObjectDescription] = {
        var found: [String: ObjectDescription] = [:]
        var pending: [@Sendable () -> ObjectDescription] = []
        for endpoint in endpoints {
            if let request = endpoint.request { found[request.name] = request }
            for reply in endpoint.replies { if case .json(_, let schemas) = reply.body { pending += schemas } }
        }
        while let next = pending.popLast() {
            let schema = next()
            guard found[schema.name] == nil else { continue }
            found[schema.name] = schema
            pending += schema.references
        }
        return found
    }()
}
