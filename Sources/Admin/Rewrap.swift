import ActorKeys
import Ledger
import Registry

extension KeyAdministration {
    /// Re-wraps data keys to their owner's active key version: `owner`, or every owner. The work
    /// is one unwrap and one wrap per data key (the registry's `rewrap`), whatever the number of
    /// rows they sealed. Each data key is updated on its own, so an interrupted rewrap resumes
    /// where it stopped.
    public func rewrap(
        _ owner: Owner?, control: OperationControl = OperationControl()
    ) async throws(AdminError) -> OperationSummary {
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
                var details = part.auditDetails
                details["owner"] = owner.label
                return (part, details)
            }
            try? await store.recordScopeRun(
                ScopeRun(
                    scope: owner.label, kind: "rewrap", rewrapped: part.done, failed: part.failed,
                    skipped: part.skipped))
            summary.merge(part)
        }
        return summary
    }

    private func rewrapOwner(
        _ owner: Owner, control: OperationControl, before: OperationSummary
    ) async throws(AdminError) -> OperationSummary {
        let keyring = try await admin { try await store.keyringOf(owner) }
        guard keyring.active != nil else {
            if let actor = owner.actor, try await admin({ try await store.actor(actor) })?.isShredded == true {
                return OperationSummary(total: 0)
            }
            throw AdminError(.conflict, "\(owner) has no active key to rewrap to")
        }
        let dataKeys = try await admin { try await store.dataKeys(of: owner) }.filter { $0.state != .erased }
        var summary = OperationSummary(total: dataKeys.count)
        for dataKey in dataKeys {
            if control.isStopped {
                summary.interrupted = true
                break
            }
            do {
                switch try await workspace.registry.rewrap(dataKey, to: keyring) {
                case .rewrapped: summary.done += 1
                case .current, .changedMeanwhile: summary.skipped += 1
                }
            } catch {
                summary.fail("data key \(dataKey.id): \(AdminError(error).message)")
            }
            var progress = before
            progress.merge(summary)
            control.report(progress)
        }
        return summary
    }
}

extension Owner {
    /// "shared" or the actor id, for reports.
    public var label: String { actor?.rawValue ?? "shared" }
}
