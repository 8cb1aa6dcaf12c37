import ActorKeys
import Admin
import ArgumentParser
import Ledger

extension ActorKeysCommand.Actor {
    struct Set: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set",
            abstract: "Change an actor's permissions; those not named stay as they are.",
            discussion: """
                is_infra_admin (the root key provider's configuration) is orthogonal to is_admin. The \
                last actor with is_admin or is_infra_admin cannot lose it (exit 4). Audited.
                """)

        @Argument(help: ArgumentHelp("The actor id.", valueName: "ID"))
        var id: String

        @Flag(name: .customLong("admin"), inversion: .prefixedNo, help: "Grant or revoke is_admin.")
        var isAdmin: Bool?

        @Flag(name: .customLong("infra-admin"), inversion: .prefixedNo, help: "Grant or revoke is_infra_admin.")
        var isInfraAdmin: Bool?

        @Flag(
            name: .customLong("can-rotate"), inversion: .prefixedNo, help: "Grant or revoke can_rotate_encryption_key.")
        var canRotate: Bool?

        @Flag(name: .customLong("can-shred"), inversion: .prefixedNo, help: "Grant or revoke can_shred.")
        var canShred: Bool?

        @OptionGroup var workspace: WorkspaceOptions
        @OptionGroup var output: OutputOptions

        func validate() throws {
            if isAdmin == nil && isInfraAdmin == nil && canRotate == nil && canShred == nil {
                throw ValidationError(
                    "Name at least one permission: --admin, --infra-admin, --can-rotate or --can-shred (or --no-…).")
            }
        }

        func run() async throws {
            let id = try ActorID.parse(id)
            let administration = try await workspace.administration()
            let change = PermissionChange(
                isAdmin: isAdmin, isInfraAdmin: isInfraAdmin, canRotateEncryptionKey: canRotate, canShred: canShred)
            let actor: Ledger.Actor
            do {
                _ = try await administration.setPermissions(of: id, change)
                actor = try await administration.actor(id).actor
            } catch { throw CLIError(error) }
            if output.json {
                try output.printJSON(ActorReport(try await administration.actor(id)))
            } else {
                let granted = actor.permissions.summary
                print("\(id): \(granted.isEmpty ? "no permissions" : granted)")
            }
        }
    }
}
