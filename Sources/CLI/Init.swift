import ActorKeys
import Admin
import ArgumentParser

extension ActorKeysCommand {
    /// `actorkeys init`: a new installation.
    struct Init: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create the home folder, the database schema, the shared key and a bootstrap admin with a token.",
            discussion: """
                The admin's API token is printed once: store it now, it cannot be shown again (make \
                another with token create). Running init on an initialized installation is a conflict \
                (exit 4) and changes nothing.
                """
        )

        @Option(name: .customLong("admin"), help: ArgumentHelp("The bootstrap admin's actor id.", valueName: "ID"))
        var adminID = "admin"

        @OptionGroup var workspace: WorkspaceOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let id = try ActorID.parse(adminID)
            let administration = try await workspace.administration(create: true)
            let result: Initialization
            do { result = try await administration.initialize(admin: id) } catch { throw CLIError(error) }
            if output.json {
                try output.printJSON(InitializationReport(result))
            } else {
                print(
                    """
                    initialized \(result.home)
                    database:        \(result.database)
                    shared key:      \(result.sharedKey.fingerprint) (\(result.sharedKeyFiles.identityPath))
                    admin:           \(result.admin)
                    admin token:     \(result.token.token)

                    The token is shown this once: store it now. Use it as 'Authorization: Bearer <token>'.
                    """)
            }
        }
    }
}
