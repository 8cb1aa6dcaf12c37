import ActorKeys
import Envelope
import Ledger
import Registry

/// OwnerStatus is one owner's keys, data keys and rows.
public struct OwnerStatus: Sendable {
    public let owner: Owner
    public let shredded: Bool
    /// Newest first.
    public let versions: [KeyVersion]
    public let dataKeys: [DataKeyState: Int]
    /// Encrypted rows under this owner's keys.
    public let rows: Int
    /// Rows whose data key is wrapped to the active version.
    public let rowsUnderActiveVersion: Int
    /// Rows whose data key is wrapped only to older versions: `key rewrap` moves them.
    public let rowsOnOlderVersionsOnly: Int
    /// Rows whose data key was erased (shredded owners): they read back as "shredded".
    public let rowsUnreadable: Int
    /// Rows safe from "harvest now, decrypt later": their data key was minted under
    /// post-quantum versions only and is wrapped to post-quantum versions only. A data key ever
    /// wrapped to a classic version is not, even after a rewrap (its classic form may have been
    /// copied); `key reencrypt` moves such rows to fresh data keys.
    public let rowsPostQuantum: Int
    /// Whether the active version's identity unseals here (nil: no active version). False means
    /// new rows cannot be sealed for this owner and its data keys cannot be opened with it.
    public let activeIdentityAvailable: Bool?

    /// The active version's key type; nil without an active version.
    public var keyType: AgeKeyKind? { versions.first { $0.state == .active }?.recipient.kind }
}

/// WorkspaceStatus is `actorkeys status`.
public struct WorkspaceStatus: Sendable {
    public let owners: [OwnerStatus]
    public let plaintextRows: Int
    /// Shared-key rows whose writer now has a key of its own: `ledger migrate` moves them.
    public let sharedRowsAwaitingMigration: Int
    /// The root key as this process holds it.
    public let root: RootSnapshot
    /// What the provider last said of the root key (cached five minutes).
    public let providerFacts: ProviderFacts?
    /// Each scope's last rewrap or reseal run.
    public let scopes: [ScopeRun]

    /// Encrypted rows that can still be read, under any owner's keys (shredded rows left out).
    public var encryptedRows: Int { owners.map { $0.rows - $0.rowsUnreadable }.reduce(0, +) }
    /// Encrypted rows whose data key is wrapped to post-quantum versions only.
    public var postQuantumRows: Int { owners.map(\.rowsPostQuantum).reduce(0, +) }
}

/// ProviderQuery is what `status` asks the root key's provider.
public enum ProviderQuery: Sendable {
    /// Its facts, from the five-minute cache when they are in it.
    case cached
    /// Its facts now, and the sealing keys unwrapped anew ("Refresh", `?fresh=true`).
    case fresh
}

extension KeyAdministration {
    /// Per owner: key versions and states, data keys by state, rows by protection state; the
    /// root key with its provider's facts (as `query` says), and each scope's last run. Needs
    /// `is_admin`; an infra admin without it sees the root key and the scopes, not the owners.
    public func status(provider query: ProviderQuery = .cached) async throws(AdminError) -> WorkspaceStatus {
        // The command line (no permissions attached) sees everything, as `authorize` allows.
        let everything = permissions?.isAdmin ?? true
        guard everything || permissions?.isInfraAdmin == true else {
            throw AdminError(.permissionDenied, "\(principal) lacks is_admin (or is_infra_admin)")
        }
        if query == .fresh { await root.load() }
        let facts = await root.providerFacts(fresh: query == .fresh)
        let scopes = try await admin { try await store.scopeRuns() }
        guard everything else {
            return WorkspaceStatus(
                owners: [], plaintextRows: 0, sharedRowsAwaitingMigration: 0, root: root.snapshot(),
                providerFacts: facts, scopes: scopes)
        }
        return try await admin { () async throws -> WorkspaceStatus in
            let counts = try await store.rowCounts()
            let dataKeys = try await store.dataKeySummaries()
            let byID = Dictionary(uniqueKeysWithValues: dataKeys.map { ($0.id, $0) })
            var owners = try await store.owners()
            for count in counts {
                if let owner = count.protection.owner, !owners.contains(owner) { owners.append(owner) }
            }
            let actors = try await store.actors(Set(owners.compactMap(\.actor)))
            var statuses: [OwnerStatus] = []
            for owner in owners {
                let keyring = try await store.keyringOf(owner)
                let active = keyring.active?.fingerprint
                let postQuantum = Set(keyring.versions.filter { $0.recipient.kind.isPostQuantum }.map(\.fingerprint))
                var rows = 0
                var onActive = 0
                var olderOnly = 0
                var unreadable = 0
                var quantumSafe = 0
                for count in counts where count.protection.owner == owner {
                    rows += count.rows
                    guard let id = count.dataKey, let key = byID[id] else { continue }
                    if key.state != .erased, let minted = key.mintedFingerprints, !minted.isEmpty,
                        minted.allSatisfy(postQuantum.contains), key.fingerprints.allSatisfy(postQuantum.contains)
                    {
                        quantumSafe += count.rows
                    }
                    if key.state == .erased {
                        unreadable += count.rows
                    } else if let active, key.fingerprints.contains(active) {
                        onActive += count.rows
                    } else {
                        olderOnly += count.rows
                    }
                }
                let keysOfOwner = dataKeys.filter { $0.owner == owner }
                let available = keyring.active.map { (try? workspace.registry.sealer.unseal($0)) != nil }
                statuses.append(
                    OwnerStatus(
                        owner: owner, shredded: owner.actor.flatMap { actors[$0]?.isShredded } ?? false,
                        versions: keyring.versions,
                        dataKeys: Dictionary(grouping: keysOfOwner, by: \.state).mapValues(\.count),
                        rows: rows, rowsUnderActiveVersion: onActive, rowsOnOlderVersionsOnly: olderOnly,
                        rowsUnreadable: unreadable, rowsPostQuantum: quantumSafe, activeIdentityAvailable: available))
            }
            return WorkspaceStatus(
                owners: statuses, plaintextRows: counts.filter { $0.protection == .plaintext }.map(\.rows).reduce(0, +),
                sharedRowsAwaitingMigration: try await store.sharedRowsAwaitingMigration(), root: root.snapshot(),
                providerFacts: facts, scopes: scopes)
        }
    }
}
