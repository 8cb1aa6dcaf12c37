import ArgumentParser

extension ActorKeysCommand {
    /// `actorkeys admin`: key administration.
    struct Admin: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Key administration.",
            subcommands: [GenerateEncryptionKey.self]
        )
    }
}
