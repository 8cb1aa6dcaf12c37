import ActorKeys
import Admin
import ArgumentParser

extension ActorKeysCommand.Key {
    struct Shred: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "shred",
            abstract: "Erase every version of an actor's key: its rows can never be read again.",
            discussion:
                "Sealed identities, cached keys and wrapped data keys are erased; the rows stay and read back as shredded."
        )

        @OptionGroup var actor: ActorOption

        @Flag(name: .long, help: "Confirm: this cannot be undone.")
        var yes = false

        @OptionGroup var workspace: WorkspaceOptions
        @OptionGroup var output: OutputOptions

        func validate() throws {
            if !yes { throw ValidationError("Shredding erases the actor's keys for ever: add --yes to confirm.") }
        }

        func run() async throws {
            let id = try actor.id()
            let administration = try await workspace.administration()
            let shredding: Shredding
            do { shredding = try await administration.shred(id, confirmed: yes) } catch { throw CLIError(error) }
            let outcome = shredding.outcome
            if output.json {
                try output.printJSON(ShredReport(shredding))
            } else {
                print(
                    "shredded \(id): \(outcome.versionsDestroyed.count) key version(s) and \(outcome.dataKeysErased) data key(s) erased; \(outcome.rowsUnreadable) row(s) can never be read again"
                )
                if outcome.rowsUnderSharedKey > 0 {
                    print("note: \(outcome.rowsUnderSharedKey) row(s) \(id) wrote under the shared key stay readable")
                }
            }
        }
    }
}
