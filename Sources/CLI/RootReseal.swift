import Admin
import ArgumentParser

extension ActorKeysCommand.Root {
    struct Reseal: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "reseal",
            abstract: "Re-seal every identity under a fresh sealing key; the old one is retired.",
            discussion: """
                Progress on a terminal, a summary (done, failed, skipped) at the end. Interrupt with \
                Ctrl-C at any time: nothing is half-done, and running it again resumes. Other \
                processes pick up the new sealing key within a second. Audited.
                """)

        @OptionGroup var workspace: WorkspaceOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let administration = try await workspace.administration()
            try await ProgressDisplay.run("reseal", json: output) { control throws(AdminError) in
                try await administration.reseal(control: control)
            }
        }
    }
}
