/// OpenAPIDocument is what `GET /openapi.yaml` serves. The tests check that it lists exactly the
/// routes of `AdminServer.routes`, with their methods, and that every listed route answers.
enum OpenAPIDocument {
    static let yaml = """
    openapi: 3.1.0
    info:
      title: actorkeys admin API
      version: 0.1.0
      description: |
        Per-actor keys and an envelope-encrypted ledger. JSON over HTTP. Every /v1 route needs
        `Authorization: Bearer <token>` (tokens are `ak_` and 43 base64url characters, made by
        `actorkeys init` and `actorkeys token create`). Admin routes need `is_admin`; rotation also
        `can_rotate_encryption_key`; shredding also `can_shred`. Errors are
        `{"error": {"code": "...", "message": "..."}}`. Every administrative action, success or
        failure, is written to the audit trail.
    servers:
      - url: http://127.0.0.1:8080
    security:
      - bearer: []
    paths:
      /healthz:
        get:
          summary: Liveness and database reachability.
          security: []
          responses:
            "200": {description: The server and its database answer., content: {application/json: {schema: {$ref: "#/components/schemas/Health"}}}}
            "503": {$ref: "#/components/responses/Error"}
      /metrics:
        get:
          summary: Prometheus metrics (requests, latencies, registry cache hits and misses, rotations).
          security: []
          responses:
            "200": {description: Prometheus text format 0.0.4., content: {text/plain: {schema: {type: string}}}}
      /openapi.yaml:
        get:
          summary: This document.
          security: []
          responses:
            "200": {description: The OpenAPI document., content: {application/yaml: {schema: {type: string}}}}
      /v1/admin/actors:
        post:
          summary: Enroll an actor, with its own key at once (auto) or under the shared key until it opts in (opt-in).
          requestBody:
            required: true
            content: {application/json: {schema: {$ref: "#/components/schemas/EnrollRequest"}}}
          responses:
            "201": {description: Enrolled., content: {application/json: {schema: {$ref: "#/components/schemas/Actor"}}}}
            "400": {$ref: "#/components/responses/Error"}
            "401": {$ref: "#/components/responses/Error"}
            "403": {$ref: "#/components/responses/Error"}
            "409": {$ref: "#/components/responses/Error"}
            "413": {$ref: "#/components/responses/Error"}
            "422": {$ref: "#/components/responses/Error"}
        get:
          summary: List actors with their key versions.
          responses:
            "200": {description: Actors., content: {application/json: {schema: {type: object, properties: {actors: {type: array, items: {$ref: "#/components/schemas/Actor"}}}}}}}
            "401": {$ref: "#/components/responses/Error"}
            "403": {$ref: "#/components/responses/Error"}
      /v1/admin/actors/{id}:
        get:
          summary: One actor with its key versions.
          parameters: [{$ref: "#/components/parameters/ActorID"}]
          responses:
            "200": {description: The actor., content: {application/json: {schema: {$ref: "#/components/schemas/Actor"}}}}
            "401": {$ref: "#/components/responses/Error"}
            "403": {$ref: "#/components/responses/Error"}
            "404": {$ref: "#/components/responses/Error"}
            "422": {$ref: "#/components/responses/Error"}
      /v1/admin/actors/{id}/keys:
        post:
          summary: Opt in, giving an enrolled actor its own key. New rows use it; migrate moves its shared-key rows.
          parameters: [{$ref: "#/components/parameters/ActorID"}]
          responses:
            "201": {description: The new key., content: {application/json: {schema: {$ref: "#/components/schemas/KeyFiles"}}}}
            "401": {$ref: "#/components/responses/Error"}
            "403": {$ref: "#/components/responses/Error"}
            "404": {$ref: "#/components/responses/Error"}
            "409": {$ref: "#/components/responses/Error"}
            "422": {$ref: "#/components/responses/Error"}
        delete:
          summary: Shred an actor. Every version of its key is erased; its rows can never be read again. Needs can_shred.
          parameters: [{$ref: "#/components/parameters/ActorID"}]
          responses:
            "200": {description: What was erased., content: {application/json: {schema: {$ref: "#/components/schemas/Shred"}}}}
            "401": {$ref: "#/components/responses/Error"}
            "403": {$ref: "#/components/responses/Error"}
            "404": {$ref: "#/components/responses/Error"}
            "422": {$ref: "#/components/responses/Error"}
      /v1/admin/encryption/rotate-key:
        post:
          summary: Rotate an actor's key (no actor_id, the shared key). Live at once, lossless, no restart. Needs is_admin and can_rotate_encryption_key.
          requestBody:
            content: {application/json: {schema: {$ref: "#/components/schemas/RotateRequest"}}}
          responses:
            "200": {description: The rotation., content: {application/json: {schema: {$ref: "#/components/schemas/Rotation"}}}}
            "400": {$ref: "#/components/responses/Error"}
            "401": {$ref: "#/components/responses/Error"}
            "403": {$ref: "#/components/responses/Error"}
            "404": {$ref: "#/components/responses/Error"}
            "409": {$ref: "#/components/responses/Error"}
            "422": {$ref: "#/components/responses/Error"}
            "500": {$ref: "#/components/responses/Error"}
      /v1/admin/encryption/rewrap:
        post:
          summary: Start re-wrapping data keys to the active key version, as a background job.
          requestBody:
            content: {application/json: {schema: {$ref: "#/components/schemas/RewrapRequest"}}}
          responses:
            "202": {description: The job., content: {application/json: {schema: {type: object, properties: {job: {$ref: "#/components/schemas/Job"}}}}}}
            "400": {$ref: "#/components/responses/Error"}
            "401": {$ref: "#/components/responses/Error"}
            "403": {$ref: "#/components/responses/Error"}
            "404": {$ref: "#/components/responses/Error"}
            "422": {$ref: "#/components/responses/Error"}
      /v1/admin/encryption/jobs/{id}:
        get:
          summary: A job's progress.
          parameters: [{name: id, in: path, required: true, schema: {type: string}}]
          responses:
            "200": {description: The job., content: {application/json: {schema: {$ref: "#/components/schemas/Job"}}}}
            "401": {$ref: "#/components/responses/Error"}
            "403": {$ref: "#/components/responses/Error"}
            "404": {$ref: "#/components/responses/Error"}
      /v1/admin/encryption/status:
        get:
          summary: Per owner, key versions and states, data keys, rows by protection state and rows still depending on a non-active version.
          responses:
            "200": {description: The status., content: {application/json: {schema: {$ref: "#/components/schemas/Status"}}}}
            "401": {$ref: "#/components/responses/Error"}
            "403": {$ref: "#/components/responses/Error"}
      /v1/admin/encryption/reload:
        post:
          summary: Drop every cached key and re-read them from the database and disk. Rotations are live without it.
          responses:
            "200": {description: Reloaded., content: {application/json: {schema: {type: object, properties: {reloaded: {type: boolean}, owners_evicted: {type: integer}}}}}}
            "401": {$ref: "#/components/responses/Error"}
            "403": {$ref: "#/components/responses/Error"}
      /v1/admin/audit:
        get:
          summary: Page through the hash-chained audit trail, oldest first.
          parameters:
            - {name: after, in: query, schema: {type: integer, minimum: 0}}
            - {name: since, in: query, schema: {type: string, format: date-time}}
            - {$ref: "#/components/parameters/Limit"}
          responses:
            "200": {description: A page of events., content: {application/json: {schema: {$ref: "#/components/schemas/AuditPage"}}}}
            "401": {$ref: "#/components/responses/Error"}
            "403": {$ref: "#/components/responses/Error"}
            "422": {$ref: "#/components/responses/Error"}
      /v1/ledger/entries:
        post:
          summary: Append an entry, sealed under the writer's key (or the shared key), or in plaintext. Actors write as themselves; admins for anyone.
          requestBody:
            required: true
            content: {application/json: {schema: {$ref: "#/components/schemas/AppendRequest"}}}
          responses:
            "201": {description: The entry (without its payload)., content: {application/json: {schema: {$ref: "#/components/schemas/Entry"}}}}
            "400": {$ref: "#/components/responses/Error"}
            "401": {$ref: "#/components/responses/Error"}
            "403": {$ref: "#/components/responses/Error"}
            "404": {$ref: "#/components/responses/Error"}
            "409": {$ref: "#/components/responses/Error"}
            "413": {$ref: "#/components/responses/Error"}
            "422": {$ref: "#/components/responses/Error"}
        get:
          summary: List entries (without payloads), oldest first. Actors see their own; admins anyone's.
          parameters:
            - {name: actor_id, in: query, schema: {type: string}}
            - {name: after, in: query, schema: {type: integer, minimum: 0}}
            - {$ref: "#/components/parameters/Limit"}
          responses:
            "200": {description: A page of entries., content: {application/json: {schema: {$ref: "#/components/schemas/EntryPage"}}}}
            "401": {$ref: "#/components/responses/Error"}
            "403": {$ref: "#/components/responses/Error"}
            "422": {$ref: "#/components/responses/Error"}
      /v1/ledger/entries/{id}:
        get:
          summary: An entry with its payload in the clear, whatever protects it. Rows of shredded actors answer 410.
          parameters: [{name: id, in: path, required: true, schema: {type: string, pattern: "^[0-7][0-9A-HJKMNP-TV-Z]{25}$"}}]
          responses:
            "200": {description: The entry., content: {application/json: {schema: {$ref: "#/components/schemas/Entry"}}}}
            "401": {$ref: "#/components/responses/Error"}
            "403": {$ref: "#/components/responses/Error"}
            "404": {$ref: "#/components/responses/Error"}
            "410": {$ref: "#/components/responses/Error"}
            "422": {$ref: "#/components/responses/Error"}
    components:
      securitySchemes:
        bearer: {type: http, scheme: bearer}
      parameters:
        ActorID: {name: id, in: path, required: true, schema: {$ref: "#/components/schemas/Slug"}}
        Limit: {name: limit, in: query, schema: {type: integer, minimum: 1, maximum: 1000, default: 100}}
      responses:
        Error:
          description: An error.
          content: {application/json: {schema: {$ref: "#/components/schemas/Error"}}}
      schemas:
        Slug: {type: string, pattern: "^[a-z0-9][a-z0-9._-]{0,63}$"}
        Fingerprint: {type: string, pattern: "^[0-9a-f]{16}$"}
        Error:
          type: object
          required: [error]
          properties:
            error:
              type: object
              required: [code, message]
              properties: {code: {type: string}, message: {type: string}}
        Health:
          type: object
          properties: {status: {type: string}, database: {type: string}}
        EnrollRequest:
          type: object
          additionalProperties: false
          required: [actor_id]
          properties:
            actor_id: {$ref: "#/components/schemas/Slug"}
            keys: {type: string, enum: [auto, opt-in], default: auto}
            is_admin: {type: boolean, default: false}
            can_rotate_encryption_key: {type: boolean, default: false}
            can_shred: {type: boolean, default: false}
        RotateRequest:
          type: object
          additionalProperties: false
          properties:
            actor_id: {$ref: "#/components/schemas/Slug"}
            name: {$ref: "#/components/schemas/Slug"}
            force: {type: boolean, default: false}
        RewrapRequest:
          type: object
          additionalProperties: false
          properties:
            actor_id: {$ref: "#/components/schemas/Slug"}
            all: {type: boolean, default: false}
        AppendRequest:
          type: object
          additionalProperties: false
          properties:
            actor_id: {$ref: "#/components/schemas/Slug"}
            kind: {type: string, pattern: "^[A-Za-z0-9._/-]{1,64}$", default: prompt}
            payload: {type: string, description: UTF-8 text.}
            payload_base64: {type: string, contentEncoding: base64}
            encrypt: {type: boolean, default: true}
        KeyVersion:
          type: object
          properties:
            actor: {type: [string, "null"]}
            version: {type: integer}
            name: {type: string}
            fingerprint: {$ref: "#/components/schemas/Fingerprint"}
            recipient: {type: string}
            state: {type: string, enum: [active, decrypt-only, destroyed]}
            created_at: {type: string, format: date-time}
        KeyFiles:
          type: object
          properties:
            actor: {type: [string, "null"]}
            version: {type: integer}
            name: {type: string}
            fingerprint: {$ref: "#/components/schemas/Fingerprint"}
            recipient: {type: string}
            identity_path: {type: string}
            recipient_path: {type: string}
        Actor:
          type: object
          properties:
            id: {$ref: "#/components/schemas/Slug"}
            key_policy: {type: string, enum: [auto, opt-in]}
            is_admin: {type: boolean}
            can_rotate_encryption_key: {type: boolean}
            can_shred: {type: boolean}
            created_at: {type: string, format: date-time}
            shredded_at: {type: [string, "null"], format: date-time}
            keys: {type: array, items: {$ref: "#/components/schemas/KeyVersion"}}
        Rotation:
          type: object
          properties:
            actor: {type: [string, "null"]}
            fingerprint: {$ref: "#/components/schemas/Fingerprint"}
            previous_fingerprint: {$ref: "#/components/schemas/Fingerprint"}
            recipient: {type: string}
            version: {type: integer}
            name: {type: string}
            identity_path: {type: string}
            recipient_path: {type: string}
            next_step: {type: string}
        Shred:
          type: object
          properties:
            actor: {type: string}
            fingerprints: {type: array, items: {$ref: "#/components/schemas/Fingerprint"}}
            data_keys_erased: {type: integer}
            rows_unreadable: {type: integer}
            rows_under_shared_key: {type: integer}
            keys_directory: {type: string}
        Job:
          type: object
          properties:
            id: {type: string}
            kind: {type: string}
            owner: {type: string}
            state: {type: string, enum: [running, succeeded, failed]}
            done: {type: integer}
            failed: {type: integer}
            skipped: {type: integer}
            total: {type: [integer, "null"]}
            started_at: {type: string, format: date-time}
            finished_at: {type: [string, "null"], format: date-time}
            error: {type: [string, "null"]}
        Status:
          type: object
          properties:
            owners:
              type: array
              items:
                type: object
                properties:
                  actor: {type: [string, "null"]}
                  shredded: {type: boolean}
                  versions: {type: array, items: {$ref: "#/components/schemas/KeyVersion"}}
                  data_keys: {type: object, additionalProperties: {type: integer}}
                  rows: {type: integer}
                  rows_under_active_version: {type: integer}
                  rows_on_older_versions_only: {type: integer}
                  rows_unreadable: {type: integer}
            plaintext_rows: {type: integer}
            shared_rows_awaiting_migration: {type: integer}
        Entry:
          type: object
          properties:
            id: {type: string}
            seq: {type: integer}
            actor_id: {type: string}
            kind: {type: string}
            created_at: {type: string, format: date-time}
            protection: {type: string, enum: [plaintext, shared, actor]}
            prompt_encryption_actor_id: {type: [string, "null"]}
            data_key_id: {type: [string, "null"]}
            payload: {type: string}
            payload_base64: {type: string}
        EntryPage:
          type: object
          properties:
            entries: {type: array, items: {$ref: "#/components/schemas/Entry"}}
            next_after: {type: [integer, "null"]}
        AuditEvent:
          type: object
          properties:
            seq: {type: integer}
            id: {type: string}
            occurred_at: {type: string, format: date-time}
            event_type: {type: string}
            principal: {type: [string, "null"]}
            target_actor: {type: [string, "null"]}
            outcome: {type: string, enum: [success, failure]}
            details: {type: object, additionalProperties: {type: string}}
            previous_hash: {type: string}
            hash: {type: string}
        AuditPage:
          type: object
          properties:
            events: {type: array, items: {$ref: "#/components/schemas/AuditEvent"}}
            next_after: {type: [integer, "null"]}
    """
}
