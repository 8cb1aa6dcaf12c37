import ActorKeys
import Admin
import ArgumentParser

extension ActorKeysCommand.Key {
    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rotate",
            abstract: "Rotate an actor's key (no --actor: the shared key). Live at once, lossless, no restart.",
            discussion: """
                Makes a new active version; the previous one becomes decrypt-only and every existing row \
                stays readable. The new version keeps the key type of the one it replaces; --pq moves the \
                owner to a post-quantum key (new rows at once; 'key reencrypt' moves its existing rows to \
                fresh post-quantum data keys, which status then counts as post-quantum), --classic back \
                to X25519. Exit codes: 2 invalid name (or primary), 3 unknown actor, 4 name conflict.
                """
        )

        @Option(name: .long, help: ArgumentHelp("The actor (default: the shared key).", valueName: "ID"))
        var actor: String?

        @Option(name: .long, help: ArgumentHelp("The new version's name (default: the next vN).", valueName: "SLUG"))
        var name: String?

        @Flag(
            name: .long,
            help: "Accepted for compatibility: identities are sealed in the database, so nothing is replaced.")
        var force = false

        @OptionGroup var keyType: KeyTypeOptions
        @OptionGroup var workspace: WorkspaceOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let owner = try Owner.from(actor: actor)
            let administration = try await workspace.administration()
            let rotation: Rotation
            do {
                rotation = try await administration.rotate(owner, name: name, force: force, keyType: keyType.keyType)
            } catch {
                throw CLIError(error)
            }
            if output.json {
                try output.printJSON(RotationReport(rotation))
            } else {
                print(
                    "rotated \(owner.label): \(rotation.previous.fingerprint) -> \(rotation.version.fingerprint) (v\(rotation.version.version), \(rotation.version.recipient.kind.rawValue), sealed in the database)"
                )
                print(rotation.nextStep)
            }
        }
    }
}
