import ActorKeys
import Admin
import ArgumentParser

extension ActorKeysCommand.Key {
    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "create",
            abstract:
                "Opt in: give an enrolled actor its own key. New rows use it; 'ledger migrate' moves its shared-key rows."
        )

        @OptionGroup var actor: ActorOption
        @OptionGroup var keyType: KeyTypeOptions

        @OptionGroup var workspace: WorkspaceOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let id = try actor.id()
            let administration = try await workspace.administration()
            let created: KeyCreation
            do { created = try await administration.createKey(for: id, keyType: keyType.keyType) } catch {
                throw CLIError(error)
            }
            if output.json {
                try output.printJSON(KeyVersionReport(created.version))
            } else {
                print(
                    "\(id) now has its own key \(created.version.fingerprint) (v\(created.version.version), \(created.version.recipient.kind.rawValue), sealed in the database)"
                )
                print("its shared-key rows can be moved with: actorkeys ledger migrate --actor \(id)")
            }
        }
    }
}
