import ActorKeys
import Admin
import ArgumentParser

extension ActorKeysCommand.Key {
    struct Rewrap: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rewrap",
            abstract: "Re-wrap data keys to the active key version: the work is per data key, not per row.",
            discussion: "Interrupt with Ctrl-C at any time: nothing is half-done, and running it again resumes."
        )

        @Option(name: .long, help: ArgumentHelp("The actor (default: the shared key).", valueName: "ID"))
        var actor: String?

        @Flag(name: .long, help: "Every owner: the shared key and every actor.")
        var all = false

        @OptionGroup var workspace: WorkspaceOptions
        @OptionGroup var output: OutputOptions

        func validate() throws {
            if all && actor != nil { throw ValidationError("--all and --actor exclude each other.") }
        }

        func run() async throws {
            let owner: Owner? = all ? nil : try Owner.from(actor: actor)
            let administration = try await workspace.administration()
            try await ProgressDisplay.run("rewrap", json: output) { control throws(AdminError) in
                try await administration.rewrap(owner, control: control)
            }
        }
    }
}
