import ActorKeys
import Admin
import ArgumentParser
import Registry

extension ActorKeysCommand {
    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "status",
            abstract: "Per owner: key versions and states, data keys, rows by protection state.",
            discussion: """
                Also the root key, what its provider says of its key (one call: its newest version, \
                so whether a root rotate is due), and each owner's last rewrap or reseal run. \
                --fresh also unwraps the sealing keys anew.
                """
        )

        @OptionGroup var workspace: WorkspaceOptions
        @Flag(help: "Unwrap the sealing keys anew as well.") var fresh = false
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let administration = try await workspace.administration()
            let status: WorkspaceStatus
            do { status = try await administration.status(provider: fresh ? .fresh : .cached) } catch {
                throw CLIError(error)
            }
            if output.json { return try output.printJSON(StatusReport(status)) }
            for owner in status.owners {
                let unavailable = owner.activeIdentityAvailable == false ? " (active identity unavailable)" : ""
                print("\(owner.owner.label)\(owner.shredded ? " (shredded)" : "")\(unavailable)")
                for version in owner.versions {
                    print(
                        "  key v\(version.version)  \(version.fingerprint)  \(version.state.rawValue)  \(version.name)  \(version.recipient.kind.rawValue)"
                    )
                }
                let keys = [DataKeyState.sealing, .closed, .replacing, .erased].compactMap { state in
                    owner.dataKeys[state].map { "\($0) \(state.rawValue)" }
                }
                print("  data keys: \(keys.isEmpty ? "none" : keys.joined(separator: ", "))")
                print(
                    "  rows: \(owner.rows) (\(owner.rowsUnderActiveVersion) under the active version, \(owner.rowsOnOlderVersionsOnly) on older versions only, \(owner.rowsUnreadable) unreadable, \(owner.rowsPostQuantum) post-quantum)"
                )
            }
            print("plaintext rows: \(status.plaintextRows)")
            let share = status.encryptedRows == 0 ? 0 : status.postQuantumRows * 100 / status.encryptedRows
            print("post-quantum rows: \(status.postQuantumRows) of \(status.encryptedRows) encrypted (\(share)%)")
            print("shared-key rows awaiting migration: \(status.sharedRowsAwaitingMigration)")
            let root = RootReport(status.root)
            print(
                "root key: \(root.uri ?? "none") (version \(root.currentKekVersion ?? "-")), \(root.state)\(root.staleSince.map { ", stale since \($0)" } ?? "")"
            )
            if let facts = StatusReport(status).providerFacts {
                let answer =
                    facts.errorCode.map { "\($0): \(facts.errorDetail ?? "")" }
                    ?? "newest version \(facts.newestKekVersion ?? "-")\(facts.rotationDue ? ", root rotate is due" : "")"
                print("provider: \(answer)")
            }
            for scope in status.scopes {
                print(
                    "last \(scope.kind) of \(scope.scope): \(scope.rewrapped) done, \(scope.failed) failed, \(scope.skipped) skipped, at \(scope.runAt.rfc3339)"
                )
            }
        }
    }
}
