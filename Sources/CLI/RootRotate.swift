import Admin
import ArgumentParser

extension ActorKeysCommand.Root {
    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rotate",
            abstract: "Re-wrap the sealing keys under the root key's newest version.",
            discussion: """
                Rotate the key in the provider first (Vault: transit/keys/NAME/rotate; Azure: a new \
                key version; PKCS#11 and AWS KMS keep one version behind one id). Constant work; \
                nothing is re-sealed. Audited.
                """)

        @OptionGroup var workspace: WorkspaceOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let administration = try await workspace.administration()
            let rotation: RootRotation
            do { rotation = try await administration.rotateRoot() } catch { throw CLIError(error) }
            if output.json {
                try output.printJSON(RootRotationReport(rotation))
            } else {
                print(
                    "re-wrapped \(rotation.sealingKeys) sealing key(s) under \(rotation.uri): version \(rotation.previousVersion) -> \(rotation.kekVersion)"
                )
            }
        }
    }
}
