import ActorKeys
import Admin
import ArgumentParser
import Ledger

extension ActorKeysCommand.Actor {
    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show", abstract: "Show one actor and every version of its key.")

        @Argument(help: ArgumentHelp("The actor id.", valueName: "ID"))
        var id: String

        @OptionGroup var workspace: WorkspaceOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let id = try ActorID.parse(id)
            let administration = try await workspace.administration()
            do {
                let report = ActorReport(try await administration.actor(id))
                if output.json { return try output.printJSON(report) }
                print("actor:       \(report.id)")
                print("keys:        \(report.keyPolicy)")
                print(
                    "permissions: is_admin=\(report.isAdmin) can_rotate_encryption_key=\(report.canRotateEncryptionKey) can_shred=\(report.canShred) is_infra_admin=\(report.isInfraAdmin)"
                )
                print("created:     \(report.createdAt)")
                if let shredded = report.shreddedAt { print("shredded:    \(shredded)") }
                for key in report.keys {
                    print("key v\(key.version):      \(key.fingerprint)  \(key.state)  \(key.name)  \(key.recipient)")
                }
            } catch {
                throw CLIError(error)
            }
        }
    }
}
