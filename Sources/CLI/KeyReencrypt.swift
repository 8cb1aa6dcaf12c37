import ActorKeys
import Admin
import ArgumentParser

extension ActorKeysCommand.Key {
    struct Reencrypt: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "reencrypt",
            abstract: "Move an owner's rows to fresh data keys and erase the old ones (after a suspected compromise).",
            discussion: "Interrupt with Ctrl-C at any time: nothing is half-done, and running it again resumes."
        )

        @Option(name: .long, help: ArgumentHelp("The actor.", valueName: "ID"))
        var actor: String?

        @Flag(name: .long, help: "The shared key's rows instead of an actor's.")
        var shared = false

        @OptionGroup var workspace: WorkspaceOptions
        @OptionGroup var output: OutputOptions

        func validate() throws {
            if shared == (actor != nil) { throw ValidationError("Give --actor ID, or --shared for the shared key.") }
        }

        func run() async throws {
            let owner = try Owner.from(actor: actor)
            let administration = try await workspace.administration()
            try await ProgressDisplay.run("reencrypt", json: output) { control throws(AdminError) in
                try await administration.reencrypt(owner, control: control)
            }
        }
    }
}
