import ActorKeys
import Admin
import ArgumentParser

extension ActorKeysCommand.Ledger {
    struct Migrate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "migrate",
            abstract: "Move shared-key rows of actors that now have their own keys to those keys.",
            discussion: "In batches, one transaction each. Interrupt with Ctrl-C at any time; running it again resumes."
        )

        @Option(name: .long, help: ArgumentHelp("Only this actor's rows.", valueName: "ID"))
        var actor: String?

        @OptionGroup var workspace: WorkspaceOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let actorID = try actor.map { text throws(CLIError) in try ActorID.parse(text) }
            let administration = try await workspace.administration()
            try await ProgressDisplay.run("migrate", json: output) { control throws(AdminError) in
                try await administration.migrate(actorID, control: control)
            }
        }
    }
}
