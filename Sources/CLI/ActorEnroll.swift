import ActorKeys
import Admin
import ArgumentParser
import Ledger

extension ActorKeysCommand.Actor {
    struct Enroll: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "enroll",
            abstract:
                "Enroll an actor: with its own key at once (auto), or under the shared key until it opts in (opt-in)."
        )

        @Argument(
            help: ArgumentHelp(
                "The actor id: 1 to 64 of a-z, 0-9, '.', '_', '-', starting with a letter or digit.", valueName: "ID"))
        var id: String

        @Option(
            name: .long,
            help: ArgumentHelp("auto: a key now; opt-in: the shared key until 'key create'.", valueName: "auto|opt-in"))
        var keys: String = KeyPolicy.auto.rawValue

        @Flag(name: .customLong("admin"), help: "Grant is_admin.")
        var isAdmin = false

        @Flag(name: .customLong("can-rotate"), help: "Grant can_rotate_encryption_key.")
        var canRotate = false

        @Flag(name: .customLong("can-shred"), help: "Grant can_shred.")
        var canShred = false

        @Flag(
            name: .customLong("infra-admin"),
            help: "Grant is_infra_admin: the root key provider's configuration, and nothing else.")
        var isInfraAdmin = false

        @OptionGroup var keyType: KeyTypeOptions
        @OptionGroup var workspace: WorkspaceOptions
        @OptionGroup var output: OutputOptions

        func validate() throws {
            guard let policy = KeyPolicy(rawValue: keys) else { throw ValidationError("--keys is auto or opt-in.") }
            if policy == .optIn && keyType.keyType != nil {
                throw ValidationError(
                    "--pq and --classic choose the key made at enrolment: an opt-in actor chooses it at 'key create'.")
            }
        }

        func run() async throws {
            let id = try ActorID.parse(id)
            let administration = try await workspace.administration()
            let permissions = Permissions(
                isAdmin: isAdmin, canRotateEncryptionKey: canRotate, canShred: canShred, isInfraAdmin: isInfraAdmin)
            let enrollment: Enrollment
            do {
                enrollment = try await administration.enroll(
                    id, keys: KeyPolicy(rawValue: keys)!, keyType: keyType.keyType, permissions: permissions)
            } catch { throw CLIError(error) }
            if output.json {
                try output.printJSON(ActorReport(enrollment.actor, keys: enrollment.key.map { [$0] } ?? []))
            } else if let key = enrollment.key {
                print(
                    "enrolled \(id) with its own key \(key.fingerprint) (v\(key.version), \(key.recipient.kind.rawValue), sealed in the database)"
                )
            } else {
                print("enrolled \(id): its rows use the shared key until 'actorkeys key create --actor \(id)'")
            }
        }
    }
}
