import ActorKeys
import Admin
import ArgumentParser
import Registry

extension ActorKeysCommand.Key {
    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "export",
            abstract: "Break-glass: write an owner's live identities as an age identity file (0600).",
            discussion: """
                age -d -i FILE then opens its data keys without actorkeys. The audit event is written \
                before the file; an existing file is never replaced. Without -o the identities go to \
                standard output.
                """)

        @Option(name: .long, help: ArgumentHelp("The actor (default: the shared key).", valueName: "ID"))
        var actor: String?

        @Option(name: .shortAndLong, help: ArgumentHelp("The identity file to create.", valueName: "FILE"))
        var output: String?

        @OptionGroup var workspace: WorkspaceOptions

        func run() async throws {
            let owner = try Owner.from(actor: actor)
            let administration = try await workspace.administration()
            let destination = output ?? "standard output"
            if let output, FilePath.exists(output) {
                throw CLIError(.conflict, "\(output) already exists: an exported identity file is never replaced")
            }
            let identities: SecretBytes
            do { identities = try await administration.exportIdentities(of: owner, destination: destination) } catch {
                throw CLIError(error)
            }
            do {
                if let output {
                    let writer = try AtomicFileWriter(destination: output, mode: 0o600)
                    try identities.withUnsafeBytes { bytes throws(ActorKeysError) in try writer.write(bytes) }
                    try writer.commit(.refuse)
                    Console.note("exported the identities of \(owner.label) to \(output) (mode 0600)")
                } else {
                    try identities.withUnsafeBytes { bytes throws(ActorKeysError) in
                        guard FilePath.writeAll(1, bytes) == 0 else {
                            throw ActorKeysError(.writeFailed, "cannot write to standard output")
                        }
                    }
                }
            } catch {
                throw CLIError(.failed, error.message)
            }
        }
    }
}
