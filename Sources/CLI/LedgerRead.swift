import Admin
import ArgumentParser
import Envelope
import Ledger

extension ActorKeysCommand.Ledger {
    struct Read: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "read",
            abstract: "Print an entry's payload, whatever protects it.",
            discussion: "An entry of a shredded actor cannot be read: exit 1 with 'error: … shredded'."
        )

        @Argument(help: ArgumentHelp("The entry id.", valueName: "ENTRY_ID"))
        var id: String

        @OptionGroup var workspace: WorkspaceOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let ledger = try await workspace.open().ledger
            do {
                let entry = try await ledger.read(try EntryID(id))
                if output.json { return try output.printJSON(EntryReport(entry.entry, payload: entry.payload)) }
                var stdout = FileDescriptorSink(descriptor: 1, name: "standard output")
                try entry.payload.withUnsafeBytes { raw in try stdout.write(raw) }
            } catch let error as LedgerError {
                throw CLIError(error)
            }
        }
    }
}
