import ActorKeys
import Admin
import ArgumentParser
import Ledger

extension ActorKeysCommand.Ledger {
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list",
            abstract: "List entries (metadata, not payloads), oldest first.")

        @Option(name: .long, help: ArgumentHelp("Only this writer's entries.", valueName: "ID"))
        var actor: String?

        @OptionGroup var page: PageOptions
        @OptionGroup var workspace: WorkspaceOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let actorID = try actor.map { text throws(CLIError) in try ActorID.parse(text) }
            let ledger = try await workspace.open().ledger
            do {
                let entries = try await ledger.list(actor: actorID, after: page.after, limit: page.limit)
                if output.json { return try output.printJSON(EntryPageReport(entries: entries, limit: page.limit)) }
                for entry in entries {
                    print(
                        "\(entry.sequence)\t\(entry.id)\t\(entry.actor)\t\(entry.kind)\t\(entry.protection)\t\(entry.createdAt.rfc3339Milliseconds)"
                    )
                }
            } catch let error as LedgerError {
                throw CLIError(error)
            }
        }
    }
}
