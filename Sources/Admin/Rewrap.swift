import ActorKeys
import Envelope
import Ledger
import Registry

extension KeyAdministration {
    /// Re-wraps data keys to their owner's active key version: `owner`, or every owner. The work
    /// is one unwrap and one wrap per data key, whatever the number of rows they sealed. Each
    /// data key is updated on its own, so an interrupted rewrap resumes where it stopped.
    public func rewrap(_ owner: Owner?, control: OperationControl = OperationControl()) async throws(AdminError) -> OperationSummary {
        let owners = try await admin { () async throws -> [Owner] in
            if let owner { return [owner] }
            return try await store.owners()
        }
        var summary = OperationSummary(total: 0)
        for owner in owners {
            if control.isStopped {
                summary.interrupted = true
                break
            }
            let part = try await audited("encryption.rewrap", target: owner.actor?.rawValue) { () throws(AdminError) in
                try authorize([.isAdmin])
                let part = try await rewrapOwner(owner, control: control, before: summary)
                return (part, ["done": String(part.done), "failed": String(part.failed), "skipped": String(part.skipped), "owner": owner.label])
            }
            summary.merge(part)
        }
        return summary
    }

    private func rewrapOwner(_ owner: Owner, control: OperationControl, before: OperationSummary) async throws(AdminError) -> OperationSummary {
        let keyring = try await admin { try await store.keyringOf(owner) }
        guard let active = keyring.active else {
            if owner.actor != nil, try await admin({ try await store.actor(owner.actor!) })?.isShredded == true { return OperationSummary(total: 0) }
            throw AdminError(.conflict, "\(owner) has no active key to rewrap to")
        }
        let dataKeys = try await admin { try await store.dataKeys(of: owner) }.filter { $0.state != .erased }
        var summary = OperationSummary(total: dataKeys.count)
        var identities: [any Identity] = []
        for version in keyring.versions where version.state != .destroyed {
            if let identity = try? keyStore.loadIdentity(owner: owner, name: version.name) { identities.append(identity) }
        }
        for dataKey in dataKeys {
            if control.isStopped {
                summary.interrupted = true
                break
            }
            defer {
                var progress = before
                progress.merge(summary)
                control.report(progress)
            }
            guard dataKey.fingerprints != [active.fingerprint] else {
                summary.skipped += 1
                continue
            }
            guard let wrapped = dataKey.wrapped else {
                summary.skipped += 1
                continue
            }
            do {
                let key = try DataKey.unwrap(wrapped, expectedID: dataKey.id, with: identities)
                let rewrapped = try key.wrap(to: [active.recipient])
                if try await store.rewrap(dataKey.id, from: dataKey.fingerprints, to: rewrapped, fingerprints: [active.fingerprint]) {
                    summary.done += 1
                } else {
                    summary.skipped += 1  // changed meanwhile (another rewrap, a re-encryption)
                }
            } catch {
                summary.fail("data key \(dataKey.id): \(AdminError(error).message)")
            }
        }
        return summary
    }
}

extension Owner {
    /// "shared" or the actor id, for reports.
    public var label: String { actor?.rawValue ?? "shared" }
}
