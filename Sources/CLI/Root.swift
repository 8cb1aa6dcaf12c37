import ArgumentParser

extension ActorKeysCommand {
    /// `actorkeys root`: the root key that protects every identity.
    struct Root: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "root",
            abstract: "Show, test, rotate and change the root key; re-seal the identities.",
            discussion: """
                The root key (a local file, or a key in Vault/OpenBao Transit, AWS KMS, Azure Key Vault \
                or a PKCS#11 HSM) wraps the workspace sealing key, under which every identity is sealed \
                in the database. Provider credentials come from the usual environment variables \
                (VAULT_TOKEN; AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN; \
                AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET) or 0600 files under \
                <home>/secrets/, never from the URI.
                """,
            subcommands: [Show.self, Test.self, Set.self, Rotate.self, Reseal.self]
        )
    }
}
