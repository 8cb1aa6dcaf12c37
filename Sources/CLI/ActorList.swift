import Admin
import ArgumentParser
import Ledger

extension ActorKeysCommand.Actor {
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list",
            abstract: "List actors, their key policy, permissions and active key.")

        @OptionGroup var workspace: WorkspaceOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let administration = try await workspace.administration()
            do {
                let list = ActorListReport(try await administration.actors())
                if output.json { return try output.printJSON(list) }
                if list.actors.isEmpty { print("no actors") }
                for report in list.actors {
                    let active =
                        report.keys.first { $0.state == "active" }?.fingerprint
                        ?? (report.shreddedAt != nil ? "shredded" : "shared key")
                    let flags = [
                        report.isAdmin ? "admin" : nil, report.canRotateEncryptionKey ? "can-rotate" : nil,
                        report.isInfraAdmin ? "infra-admin" : nil,
                        report.canShred ? "can-shred" : nil,
                    ]
                    .compactMap { $0 }.joined(separator: ",")
                    print("\(report.id)\t\(report.keyPolicy)\t\(active)\t\(flags.isEmpty ? "-" : flags)")
                }
            } catch {
                throw CLIError(error)
            }
        }
    }
}
