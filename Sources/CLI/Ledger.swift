import ArgumentParser

extension ActorKeysCommand {
    /// `actorkeys ledger`: the encrypted ledger.
    struct Ledger: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "ledger",
            abstract: "Append, import, read, list and migrate ledger entries.",
            subcommands: [Append.self, Import.self, Read.self, List.self, Migrate.self]
        )
    }
}
