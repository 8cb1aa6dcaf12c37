import ActorKeys
import Admin
import ArgumentParser

extension ActorKeysCommand {
    /// `actorkeys token`: API tokens.
    struct Token: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "token",
            abstract: "Make API tokens.",
            subcommands: [Create.self]
        )

        struct Create: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Make a bearer token for an actor. It is printed once; only its hash is stored."
            )

            @Option(name: .long, help: ArgumentHelp("The actor the token acts as.", valueName: "ID"))
            var actor: String

            @OptionGroup var workspace: WorkspaceOptions
            @OptionGroup var output: OutputOptions

            func run() async throws {
                let id = try ActorID.parse(actor)
                let administration = try await workspace.administration()
                let token: CreatedToken
                do { token = try await administration.createToken(for: id) } catch { throw CLIError(error) }
                if output.json {
                    try output.printJSON(["id": token.id, "actor": id.rawValue, "token": token.token])
                } else {
                    print(token.token)
                    Console.note("token \(token.id) for \(id): shown this once, store it now")
                }
            }
        }
    }
}
