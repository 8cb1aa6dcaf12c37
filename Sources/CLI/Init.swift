import ActorKeys
import Admin
import ArgumentParser

extension ActorKeysCommand {
    /// `actorkeys init`: a new installation.
    struct Init: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "init",
            abstract:
                "Create the home folder, the database schema, the root of trust, the shared key and a bootstrap admin with a token.",
            discussion: """
                Every identity is sealed in the database under a workspace sealing key, which the root \
                key wraps (--root-key; credentials come from the provider's usual environment variables \
                or <home>/secrets/, never from the URI). Other nodes join by the database URL alone.

                The admin's API token is printed once: store it now, it cannot be shown again (make \
                another with token create). Running init on an initialized installation is a conflict \
                (exit 4) and changes nothing.
                """
        )

        @Option(name: .customLong("admin"), help: ArgumentHelp("The bootstrap admin's actor id.", valueName: "ID"))
        var adminID = "admin"

        @Option(
            name: .customLong("root-key"),
            help: ArgumentHelp(
                "The root key that protects every identity (default: local:<home>/keys/root.key): local:PATH, vault-transit://…, aws-kms://…, azure-keyvault://…, pkcs11:…",
                valueName: "URI"))
        var rootKey: String?

        @Flag(
            name: .customLong("pq"),
            help:
                "Make the shared key post-quantum (MLKEM768-X25519), and with it the default for actors' keys.")
        var postQuantum = false

        @OptionGroup var workspace: WorkspaceOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let id = try ActorID.parse(adminID)
            let administration = try await workspace.administration(create: true)
            let result: Initialization
            do {
                result = try await administration.initialize(
                    admin: id, rootKey: rootKey, keyType: postQuantum ? .hybrid : .x25519)
            } catch {
                throw CLIError(error)
            }
            if output.json {
                try output.printJSON(InitializationReport(result))
            } else {
                print(
                    """
                    initialized \(result.home)
                    database:        \(result.database)
                    root key:        \(result.rootKey) (\(result.kekID), version \(result.kekVersion))
                    shared key:      \(result.sharedKey.fingerprint) (\(result.sharedKey.recipient.kind.rawValue), sealed in the database)
                    admin:           \(result.admin)
                    admin token:     \(result.token.token)

                    The token is shown this once: store it now. Use it as 'Authorization: Bearer <token>'.
                    """)
            }
        }
    }
}
