import ActorKeys
import Ledger
import RootKeys

/// ProviderFacts is what the root key's provider last said of its key: its id and newest
/// version (ahead of the version that wraps the sealing keys when a `root rotate` is due), or
/// why it could not say.
public struct ProviderFacts: Sendable {
    public let uri: String
    public let kekID: String?
    public let newestKekVersion: String?
    public let fetchedAt: Timestamp
    public let error: RootKeyError?
}

extension RootOfTrust {
    /// How long the provider's facts are served from the cache.
    static let factsLifetime: Int64 = 300_000

    /// The provider's facts about the active root key: cached for five minutes, asked again
    /// (one `describe` call) when older, when the root key changed, or when `fresh`.
    public func providerFacts(fresh: Bool) async -> ProviderFacts? {
        guard let uri = state.withLock({ $0.rootState?.root.uri }) else { return nil }
        let cached = state.withLock { $0.facts }
        if !fresh, let cached, cached.uri == uri,
            Timestamp.now().millisecondsSinceEpoch - cached.fetchedAt.millisecondsSinceEpoch < Self.factsLifetime
        {
            return cached
        }
        let facts: ProviderFacts
        do throws(RootKeyError) {
            let described = try await provider(for: uri).describe()
            facts = ProviderFacts(
                uri: uri, kekID: described.kekID, newestKekVersion: described.kekVersion, fetchedAt: .now(), error: nil)
        } catch {
            facts = ProviderFacts(uri: uri, kekID: nil, newestKekVersion: nil, fetchedAt: .now(), error: error)
        }
        state.withLock { $0.facts = facts }
        return facts
    }
}
