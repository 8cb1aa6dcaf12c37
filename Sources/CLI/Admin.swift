import ArgumentParser

extension ActorKeysCommand {
    /// `actorkeys admin`: key administration.
    struct Admin: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "admin",
            abstract: "Key administration.",
            subcommands: [GenerateEncryptionKey.self]
        )
    }
}
