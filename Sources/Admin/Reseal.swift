import ActorKeys
import Envelope
import Ledger
import Registry
import RootKeys

extension KeyAdministration {
    /// Re-seals every identity under a fresh sealing key, wrapped by the root key; the old
    /// sealing key is retired once nothing is sealed under it. A long job: progress after each
    /// batch, `control.stop()` ends it after the batch in hand, and running it again resumes (a
    /// run that finds identities still under an older key finishes moving them instead of
    /// starting another key). Each row is replaced only if nobody changed it meanwhile (then it
    /// is skipped, and the next run takes it). Other processes install the new sealing key
    /// within a second.
    public func reseal(
        batchSize: Int = 200, control: OperationControl = OperationControl()
    ) async throws(AdminError) -> OperationSummary {
        try await audited("root.reseal", target: nil) { () throws(AdminError) in
            try authorize([.isAdmin])
            var state = try await currentRoot()
            guard var active = state.activeWrap?.sealingKeyID else {
                throw AdminError(.corrupt, "the workspace has no active sealing key")
            }
            let resuming = try await !admin({ try await store.versionsToReseal(active: active, limit: 1) }).isEmpty
            if !resuming {
                active = try await addFreshSealingKey(state)
                state = try await currentRoot()
            }
            if let error = await root.load() { throw error }
            var summary = OperationSummary()
            var scopes: [String: OperationSummary] = [:]
            var seen = Set<String>()
            while !control.isStopped {
                let batch = try await admin { try await store.versionsToReseal(active: active, limit: batchSize) }
                let fresh = batch.filter { !seen.contains("\($0.owner)/\($0.version)") }
                if fresh.isEmpty { break }
                for version in fresh {
                    seen.insert("\(version.owner)/\(version.version)")
                    let scope = version.owner.label
                    do {
                        let identity = try root.sealer.unseal(version)
                        let sealed = try NewKeyVersion(
                            owner: version.owner, name: version.name, identity: identity, sealer: root.sealer
                        ).sealed(as: version.version)
                        let replaced = try await store.replaceSealedIdentity(
                            of: version, expected: version.sealed, with: sealed)
                        if replaced {
                            summary.done += 1
                            scopes[scope, default: OperationSummary()].done += 1
                        } else {
                            summary.skipped += 1
                            scopes[scope, default: OperationSummary()].skipped += 1
                        }
                    } catch {
                        summary.fail("\(version.owner) v\(version.version): \(error)")
                        scopes[scope, default: OperationSummary()].failed += 1
                    }
                }
                control.report(summary)
            }
            summary.interrupted = control.isStopped
            for (scope, part) in scopes {
                try? await store.recordScopeRun(
                    ScopeRun(
                        scope: scope, kind: "reseal", rewrapped: part.done, failed: part.failed, skipped: part.skipped))
            }
            let retired = summary.interrupted ? 0 : try await admin { try await store.retireUnusedSealingKeys() }
            if let error = await root.load() { throw error }
            var details = summary.auditDetails
            details["root_key"] = state.root.uri
            details["sealing_key"] = String(active)
            details["resumed"] = String(resuming)
            details["retired_sealing_keys"] = String(retired)
            return (summary, details)
        }
    }

    /// A fresh sealing key, wrapped by the root key and verified, recorded as the active one.
    private func addFreshSealingKey(_ state: RootState) async throws(AdminError) -> Int64 {
        let fresh = SecretBytes.random(count: SecretBox.keyLength)
        let provider = try rootProvider(state.root.uri)
        let context = WrapContext(workspace: state.workspaceID, purpose: RootOfTrust.sealingPurpose)
        let wrapped: WrappedRootKey
        do {
            wrapped = try await provider.wrap(fresh, context: context)
            guard try await provider.unwrap(wrapped, context: context).constantTimeEquals(fresh) else {
                throw RootKeyError(.networkError, "the provider's unwrap did not return the sealing key")
            }
        } catch {
            throw RootOfTrust.unavailable(state.root.uri, error)
        }
        return try await admin {
            try await store.addSealingKey(
                root: state.root.id, kekVersion: wrapped.kekVersion, wrapped: wrapped.ciphertext)
        }
    }

    /// Break-glass: the live identities of `owner` as an age identity file, so age(1) can
    /// unwrap its data keys without actorkeys. The audit event is written first; if it cannot
    /// be, nothing is exported.
    public func exportIdentities(of owner: Owner, destination: String) async throws(AdminError) -> SecretBytes {
        try authorize([.isAdmin])
        if let actor = owner.actor { _ = try await existingActor(actor) }
        let keyring = try await admin { try await store.keyringOf(owner) }
        let live = keyring.versions.filter { $0.state != .destroyed }
        guard !live.isEmpty else { throw AdminError(.notFound, "\(owner) has no live key to export") }
        try await recordSuccess(
            "key.export", target: owner.actor?.rawValue,
            details: [
                "fingerprints": live.map(\.fingerprint.hex).joined(separator: " "), "destination": destination,
            ])
        var parts: [SecretBytes] = []
        for version in live {
            let identity = try adminSync { () throws(RegistryError) in try root.sealer.unseal(version) }
            parts.append(IdentityFile.format(identity, created: version.createdAt))
        }
        let total = parts.reduce(0) { $0 + $1.count }
        return SecretBytes(count: total) { buffer in
            var offset = 0
            for part in parts {
                part.withUnsafeBytes { bytes in
                    UnsafeMutableRawBufferPointer(rebasing: buffer[offset..<(offset + bytes.count)]).copyMemory(
                        from: bytes)
                    offset += bytes.count
                }
            }
        }
    }
}
