import ActorKeys
import Admin
import ArgumentParser
import Ledger

extension ActorKeysCommand {
    /// `actorkeys token`: API tokens.
    struct Token: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "token",
            abstract: "Make, list and revoke API tokens.",
            subcommands: [Create.self, List.self, Revoke.self]
        )

        struct Create: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "create",
                abstract: "Make a bearer token for an actor. It is printed once; only its hash is stored."
            )

            @OptionGroup var actor: ActorOption

            @OptionGroup var workspace: WorkspaceOptions
            @OptionGroup var output: OutputOptions

            func run() async throws {
                let id = try actor.id()
                let administration = try await workspace.administration()
                let token: CreatedToken
                do { token = try await administration.createToken(for: id) } catch { throw CLIError(error) }
                if output.json {
                    try output.printJSON(CreatedTokenReport(token))
                } else {
                    print(token.token)
                    Console.note("token \(token.id) for \(id): shown this once, store it now")
                }
            }
        }

        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "list",
                abstract: "List an actor's tokens: ids and dates, never the tokens.")

            @OptionGroup var actor: ActorOption

            @OptionGroup var workspace: WorkspaceOptions
            @OptionGroup var output: OutputOptions

            func run() async throws {
                let id = try actor.id()
                let administration = try await workspace.administration()
                let tokens: [APIToken]
                do { tokens = try await administration.tokens(of: id) } catch { throw CLIError(error) }
                if output.json {
                    return try output.printJSON(TokenListReport(tokens))
                }
                for token in tokens {
                    print(
                        "\(token.id)\t\(token.createdAt.rfc3339)\t\(token.revokedAt.map { "revoked " + $0.rfc3339 } ?? "live")"
                    )
                }
            }
        }

        struct Revoke: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "revoke", abstract: "Revoke a token by id: it stops working at once.")

            @Argument(
                help: ArgumentHelp(
                    "The token id (tok_…), as token create and token list show it.", valueName: "TOKEN_ID"))
            var id: String

            @OptionGroup var workspace: WorkspaceOptions

            func run() async throws {
                let administration = try await workspace.administration()
                do { try await administration.revokeToken(id) } catch { throw CLIError(error) }
                print("revoked \(id)")
            }
        }
    }
}
