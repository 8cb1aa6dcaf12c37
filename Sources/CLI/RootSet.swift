import Admin
import ArgumentParser

extension ActorKeysCommand.Root {
    struct Set: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set",
            abstract: "Move the workspace to another root key.",
            discussion: """
                The new root key must work first: every sealing key is wrapped by it and unwrapped \
                again before it becomes the root key and the old wrapped forms are dropped. \
                Interrupted, run it again with the same URI: it resumes. Audited.
                """)

        @Argument(help: ArgumentHelp("The new root key URI.", valueName: "URI"))
        var uri: String

        @OptionGroup var workspace: WorkspaceOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let administration = try await workspace.administration()
            let change: RootChange
            do { change = try await administration.setRoot(uri) } catch { throw CLIError(error) }
            if output.json {
                try output.printJSON(RootChangeReport(change))
            } else {
                print("root key: \(change.previous) -> \(change.uri) (\(change.kekID), version \(change.kekVersion))")
            }
        }
    }
}
