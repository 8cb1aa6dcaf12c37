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
                print("\(owner.owner.label)\(owner.shredded ? " (shredded)" : "")")
                for version in owner.versions {
                    print("  key v\(version.version)  \(version.fingerprint)  \(version.state.rawValue)  \(version.name)")
                }
                let keys = [DataKeyState.sealing, .closed, .replacing, .erased].compactMap { state in owner.dataKeys[state].map { "\($0) \(state.rawValue)" } }
                print("  data keys: \(keys.isEmpty ? "none" : keys.joined(separator: ", "))")
                print("  rows: \(owner.rows) (\(owner.rowsUnderActiveVersion) under the active version, \(owner.rowsOnOlderVersionsOnly) on older versions only, \(owner.rowsUnreadable) unreadable)")
            }
            print("plaintext rows: \(status.plaintextRows)")
            print("shared-key rows awaiting migration: \(status.sharedRowsAwaitingMigration)")
        }
    }
}

struct StatusReport: Encodable {
    struct OwnerReport: Encodable {
        let actor: String?
        let shredded: Bool
        let versions: [KeyVersionReport]
        let dataKeys: [String: Int]
        let rows: Int
        let rowsUnderActiveVersion: Int
        let rowsOnOlderVersionsOnly: Int
        let rowsUnreadable: Int

        enum CodingKeys: String, CodingKey {
            case actor, shredded, versions, rows
            case dataKeys = "data_keys", rowsUnderActiveVersion = "rows_under_active_version"
            case rowsOnOlderVersionsOnly = "rows_on_older_versions_only", rowsUnreadable = "rows_unreadable"
        }

        func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(actor, forKey: .actor)
            try container.encode(shredded, forKey: .shredded)
            try container.encode(versions, forKey: .versions)
            try container.encode(dataKeys, forKey: .dataKeys)
            try container.encode(rows, forKey: .rows)
            try container.encode(rowsUnderActiveVersion, forKey: .rowsUnderActiveVersion)
            try container.encode(rowsOnOlderVersionsOnly, forKey: .rowsOnOlderVersionsOnly)
            try container.encode(rowsUnreadable, forKey: .rowsUnreadable)
        }
    }

    let owners: [OwnerReport]
    let plaintextRows: Int
    let sharedRowsAwaitingMigration: Int

    init(_ status: WorkspaceStatus) {
        owners = status.owners.map { owner in
            OwnerReport(
                actor: owner.owner.actor?.rawValue, shredded: owner.shredded, versions: owner.versions.map(KeyVersionReport.init),
                dataKeys: Dictionary(uniqueKeysWithValues: owner.dataKeys.map { ($0.key.rawValue, $0.value) }),
                rows: owner.rows, rowsUnderActiveVersion: owner.rowsUnderActiveVersion,
                rowsOnOlderVersionsOnly: owner.rowsOnOlderVersionsOnly, rowsUnreadable: owner.rowsUnreadable)
        }
        plaintextRows = status.plaintextRows
        sharedRowsAwaitingMigration = status.sharedRowsAwaitingMigration
    }

    enum CodingKeys: String, CodingKey {
        case owners
        case plaintextRows = "plaintext_rows", sharedRowsAwaitingMigration = "shared_rows_awaiting_migration"
    }
}
