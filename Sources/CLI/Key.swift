import ArgumentParser

extension ActorKeysCommand {
    /// `actorkeys key`: the key lifecycle.
    struct Key: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "key",
            abstract: "Create, rotate, rewrap, re-encrypt, retire, shred and export keys.",
            subcommands: [
                Create.self, Rotate.self, Rewrap.self, Reencrypt.self, Retire.self, Shred.self, Export.self,
            ]
        )
    }
}
