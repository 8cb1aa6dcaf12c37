import ActorKeys
import Admin
import ArgumentParser
import Registry

extension ActorKeysCommand.Key {
    struct Retire: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "retire",
            abstract: "Erase an old (decrypt-only) key version, once no data key depends on it alone.",
            discussion:
                "Refuses, saying how many data keys still depend on it, until 'key rewrap' has moved them (exit 4)."
        )

        @Option(name: .long, help: ArgumentHelp("The actor (default: the shared key).", valueName: "ID"))
        var actor: String?

        @Option(
            name: .customLong("key"),
            help: ArgumentHelp("The version's fingerprint (16 hex characters).", valueName: "FINGERPRINT"))
        var fingerprint: String

        @OptionGroup var workspace: WorkspaceOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let owner = try Owner.from(actor: actor)
            let administration = try await workspace.administration()
            let version: KeyVersion
            do { version = try await administration.retire(owner, fingerprint: fingerprint) } catch {
                throw CLIError(error)
            }
            if output.json {
                try output.printJSON(KeyVersionReport(version))
            } else {
                print(
                    "retired \(owner.label) key v\(version.version) \(version.fingerprint): its sealed identity is erased"
                )
            }
        }
    }
}
