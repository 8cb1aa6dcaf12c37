import ActorKeys
import Admin
import ArgumentParser

extension ActorKeysCommand.Admin {
    /// `actorkeys admin generate-encryption-key`: the key-generation primitive on the command line.
    struct GenerateEncryptionKey: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "generate-encryption-key",
            abstract: "Generate an age identity for an actor or for the shared key, and write it to the key store.",
            discussion: """
                Writes <keys-dir>/shared/NAME.key (no --actor) or <keys-dir>/actors/ID/NAME.key, in \
                age-keygen's format with mode 0600, and NAME.pub beside it, then prints the paths, the \
                recipient and the fingerprint. Names and actor ids are 1 to 64 characters: a-z, 0-9, '.', \
                '_' and '-', starting with a letter or a digit. An existing key is not replaced without \
                --force; the key named "primary" is never replaced.

                Exit codes: 0 written, 2 invalid name or actor id, 4 the key exists.
                """
        )

        @Option(name: .long, help: ArgumentHelp("The actor the key is for (default: the shared key).", valueName: "ID"))
        var actor: String?

        @Option(name: .long, help: ArgumentHelp("The key's name.", valueName: "SLUG"))
        var name: String = KeyName.primary.rawValue

        @Flag(name: .long, help: "Replace an existing key of this name (never \"primary\").")
        var force = false

        @Option(
            name: .customLong("keys-dir"),
            help: ArgumentHelp("The key store folder (default: <home>/keys).", valueName: "DIR"))
        var keysDirectory: String?

        @OptionGroup var homeOptions: HomeOptions
        @OptionGroup var outputOptions: OutputOptions

        func run() async throws {
            let key = try KeyStore.generate(
                keysDirectory: keysDirectory ?? homeOptions.keysDirectory, name: name, actor: actor,
                force: force ? .replace : .refuse)
            if outputOptions.json {
                try outputOptions.printJSON(KeyFilesReport(key))
            } else {
                print(
                    """
                    owner:          \(key.owner == .shared ? "shared" : key.owner.actor!.rawValue)
                    name:           \(key.name)
                    identity file:  \(key.identityPath)
                    recipient file: \(key.recipientPath)
                    recipient:      \(key.recipient.encoded)
                    fingerprint:    \(key.fingerprint)
                    """)
            }
        }
    }
}
