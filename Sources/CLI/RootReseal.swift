import Admin
import ArgumentParser

extension ActorKeysCommand.Root {
    struct Reseal: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Re-seal every identity under a fresh sealing key; the old one is retired.",
            discussion: """
                Resumable: an interrupted run is finished by the next one. Other processes pick up \
                the new sealing key within a second. Audited.
                """)

        @OptionGroup var workspace: WorkspaceOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let administration = try await workspace.administration()
            let outcome: ResealOutcome
            do { outcome = try await administration.reseal() } catch { throw CLIError(error) }
            if output.json {
                try output.printJSON(ResealReport(outcome))
            } else {
                print(
                    "\(outcome.resumed ? "resumed: " : "")re-sealed \(outcome.resealed) identities under sealing key \(outcome.sealingKey) (skipped \(outcome.skipped), retired \(outcome.retiredSealingKeys) old sealing key(s))"
                )
            }
        }
    }
}
