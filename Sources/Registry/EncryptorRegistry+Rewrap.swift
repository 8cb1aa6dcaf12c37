import ActorKeys
import Envelope

/// RewrapOutcome is what rewrapping one data key did.
public enum RewrapOutcome: Sendable, Hashable {
    /// It is now wrapped to the active version alone.
    case rewrapped
    /// Nothing to do: it is wrapped to the active version alone already, or was erased.
    case current
    /// It changed between reading and writing (another rewrap, a re-encryption): untouched.
    case changedMeanwhile
}

extension EncryptorRegistry {
    /// Re-wraps data key `stored` to the active version of `keyring` (its owner's): its file key
    /// unwrapped with the owner's identities as an open would (the same cache, the same order),
    /// a new header for the active version, the payload unchanged (`DataKey.rewrap`, which is
    /// `Age.rekey`), and replaced in the store only if nobody changed it meanwhile. The work is
    /// one unwrap and one wrap whatever the number of records the key sealed.
    public func rewrap(_ stored: StoredDataKey, to keyring: Keyring) async throws(RegistryError) -> RewrapOutcome {
        precondition(stored.owner == keyring.owner, "a data key is rewrapped to its own owner's keyring")
        guard let active = keyring.active else {
            throw RegistryError(.noActiveKey, "\(keyring.owner) has no active key to rewrap to")
        }
        guard stored.wrapped != nil, stored.state != .erased, stored.fingerprints != [active.fingerprint] else {
            return .current
        }
        let rewrapped = try withIdentities(of: stored, owner: stored.owner, keyring: keyring) {
            wrapped, identity throws(EnvelopeError) in
            try DataKey.rewrap(wrapped, expectedID: stored.id, with: [identity], to: [active.recipient])
        }.get()
        let replaced = try await store.replaceWrapping(
            of: stored.id, expected: stored.fingerprints, wrapped: rewrapped, fingerprints: [active.fingerprint])
        return replaced ? .rewrapped : .changedMeanwhile
    }
}
