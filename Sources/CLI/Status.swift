import ActorKeys
import Admin
import ArgumentParser
import Registry

extension ActorKeysCommand {
    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Per owner: key versions and states, data keys, rows by protection state."
        )

        @OptionGroup var workspace: WorkspaceOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let administration = try await workspace.administration()
            let status: WorkspaceStatus
            do { status = try await administration.status() } catch { throw CLIError(error) }
            if output.json { return try output.printJSON(StatusReport(status)) }
            for owner in status.owners {
                let unavailable = owner.activeIdentityAvailable == false ? " (active identity unavailable)" : ""
                print("\(owner.owner.label)\(owner.shredded ? " (shredded)" : "")\(unavailable)")
                for version in owner.versions {
                    print(
                        "  key v\(version.version)  \(version.fingerprint)  \(version.state.rawValue)  \(version.name)")
                }
                let keys = [DataKeyState.sealing, .closed, .replacing, .erased].compactMap { state in
                    owner.dataKeys[state].map { "\($0) \(state.rawValue)" }
                }
                print("  data keys: \(keys.isEmpty ? "none" : keys.joined(separator: ", "))")
                print(
                    "  rows: \(owner.rows) (\(owner.rowsUnderActiveVersion) under the active version, \(owner.rowsOnOlderVersionsOnly) on older versions only, \(owner.rowsUnreadable) unreadable)"
                )
            }
            print("plaintext rows: \(status.plaintextRows)")
            print("shared-key rows awaiting migration: \(status.sharedRowsAwaitingMigration)")
            let root = RootReport(status.root)
            print(
                "root key: \(root.uri ?? "none") (version \(root.currentKekVersion ?? "-")), \(root.state)\(root.staleSince.map { ", stale since \($0)" } ?? "")"
            )
        }
    }
}
