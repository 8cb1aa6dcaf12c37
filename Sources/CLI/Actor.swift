import ArgumentParser

extension ActorKeysCommand {
    /// `actorkeys actor`: enrolment and listing.
    struct Actor: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "actor",
            abstract: "Enroll, inspect and change actors.",
            subcommands: [Enroll.self, List.self, Show.self, Set.self]
        )
    }
}
