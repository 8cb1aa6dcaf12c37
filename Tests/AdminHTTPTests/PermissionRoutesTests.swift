import ActorKeys
import Admin
import AdminTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import Ledger
import TestSupport
import Testing

@testable import AdminHTTP

@Suite("permissions: is_infra_admin and PATCH /v1/admin/actors/{id}", .serialized)
struct PermissionRoutesTests {
    @Test(
        "is_infra_admin is orthogonal: a plain admin cannot grant it, an infra admin alone can do nothing else, the last one cannot lose it",
        arguments: TestBackend.allCases)
    func infraAdmin(_ backend: TestBackend) async throws {
        let fixture = try await APIFixture(backend)
        let admin = fixture.base.admin
        _ = try await admin.enroll(fixture.base.id("infra"), keys: .optIn, permissions: Permissions(isInfraAdmin: true))
        let infra = try await admin.createToken(for: fixture.base.id("infra")).token
        let ops = fixture.tokens["ops"]  // is_admin only
        try await fixture.application().test(.router) { client in
            // A plain admin changes the other permissions, not is_infra_admin.
            let granted = try await client.call(
                .patch, "/v1/admin/actors/alice", as: ops, json: #"{"can_shred":true}"#)
            #expect(granted.status == 200, "\(granted.text)")
            #expect(granted.json["can_shred"] as? Bool == true && granted.json["is_admin"] as? Bool == false)
            let escalation = try await client.call(
                .patch, "/v1/admin/actors/alice", as: ops, json: #"{"is_infra_admin":true}"#)
            #expect(escalation.status == 403 && escalation.errorMessage.contains("is_infra_admin"))
            let enrolled = try await client.call(
                .post, "/v1/admin/actors", as: ops, json: #"{"actor_id":"eve","is_infra_admin":true}"#)
            #expect(enrolled.status == 403)
            // An infra admin without is_admin can do nothing else.
            #expect(try await client.call(.get, "/v1/admin/actors", as: infra).status == 403)
            let patched = try await client.call(
                .patch, "/v1/admin/actors/alice", as: infra, json: #"{"is_infra_admin":true}"#)
            #expect(patched.status == 403 && patched.errorMessage.contains("is_admin"))
            // The bootstrap admin has both: it grants and revokes is_infra_admin.
            let both = try await client.call(
                .patch, "/v1/admin/actors/alice", as: fixture.adminToken, json: #"{"is_infra_admin":true}"#)
            #expect(both.status == 200 && both.json["is_infra_admin"] as? Bool == true)
            #expect(
                try await client.call(
                    .patch, "/v1/admin/actors/alice", as: fixture.adminToken, json: #"{"is_infra_admin":false}"#
                ).json["is_infra_admin"] as? Bool == false)
            // Bad requests change nothing.
            #expect(try await client.call(.patch, "/v1/admin/actors/alice", as: ops, json: "{}").status == 422)
            #expect(
                try await client.call(.patch, "/v1/admin/actors/alice", as: ops, json: #"{"is_admin":"yes"}"#).status
                    == 422)
            #expect(
                try await client.call(.patch, "/v1/admin/actors/nobody", as: ops, json: #"{"can_shred":true}"#).status
                    == 404)
        }
        // The last actor with is_infra_admin (after infra loses it) cannot lose it.
        _ = try await admin.setPermissions(of: fixture.base.id("infra"), PermissionChange(isInfraAdmin: false))
        let last = await #expect(throws: AdminError.self) {
            try await admin.setPermissions(of: fixture.base.id("admin"), PermissionChange(isInfraAdmin: false))
        }
        #expect(last?.code == .conflict)
        let events = try await fixture.base.store.auditEvents(limit: 1000)
        let set = events.filter { $0.eventType == "admin.actor.set.success" }
        #expect(set.count == 4)
        #expect(set.first?.details.contains("\"after\"") == true)
        #expect(events.contains { $0.eventType == "admin.actor.set.error.permission_denied" })
    }
}
