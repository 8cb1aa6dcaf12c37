import ActorKeys
import Envelope
import Ledger
import Registry
import RootKeys
import Synchronization

/// RootOfTrust keeps this process's workspace sealing keys: unwrapped with the root key once at
/// start (one provider call per sealing key in use, normally one), installed in the registry's
/// `IdentitySealer`, and refreshed when half the cache lifetime has passed. If the provider
/// cannot be reached, the process goes on serving from the cached keys until the lifetime since
/// the last success runs out ("stale since"), then fails closed: every cached key is dropped and
/// nothing is unsealed until the provider answers again. The hot path never calls a provider.
public final class RootOfTrust: Sendable {
    struct State {
        var rootState: RootState?
        var provider: (any RootKeyProvider)?
        var cachedAt: Timestamp?
        var staleSince: Timestamp?
        var lastError: String?
        var facts: ProviderFacts?
        var marker: String?
    }

    public let store: LedgerStore
    public let sealer: IdentitySealer
    public let credentials: ProviderCredentials
    public let cacheTTL: Duration
    let http: ProviderHTTP
    let state = Mutex(State())
    let calls = CallCounter()
    /// Called after the sealing keys were dropped (fail closed) so caches can be emptied too.
    let onClose: @Sendable () -> Void

    init(
        store: LedgerStore, sealer: IdentitySealer, credentials: ProviderCredentials, cacheTTL: Duration,
        http: ProviderHTTP, onClose: @escaping @Sendable () -> Void
    ) {
        self.store = store
        self.sealer = sealer
        self.credentials = credentials
        self.cacheTTL = cacheTTL
        self.http = http
        self.onClose = onClose
    }

    /// How many calls this process made to its root key provider (for metrics and tests).
    public var providerCalls: Int { calls.value }

    /// The provider of `uri`, counting its calls: with this process's credentials, or with
    /// `credentials` (a configuration being saved).
    func provider(for uri: String, credentials: ProviderCredentials? = nil) throws(RootKeyError) -> any RootKeyProvider
    {
        let location = try RootKeyLocation(parsing: uri)
        return CountingProvider(
            base: try RootKeyProviders.open(location, credentials: credentials ?? self.credentials, http: http),
            calls: calls)
    }

    /// Unwraps the sealing keys again now (one provider call each): after the provider came back,
    /// or to check it. Throws what `load` reports.
    public func reload() async throws(AdminError) {
        if let error = await load() { throw error }
    }

    /// Loads the root state and unwraps every sealing key in use. On failure the sealer stays
    /// closed with the reason, which every later unseal repeats, and the error is returned.
    @discardableResult
    func load() async -> AdminError? {
        let root: RootState?
        do {
            root = try await store.rootState()
        } catch {
            return AdminError(error)
        }
        guard let root else {
            sealer.close(reason: "the workspace has no root key: run actorkeys init")
            return AdminError(.notFound, "the workspace has no root key: run actorkeys init")
        }
        do {
            let provider = try provider(for: root.root.uri)
            let keys = try await unwrapAll(root, with: provider)
            guard let active = root.activeWrap?.sealingKeyID else {
                throw AdminError(.corrupt, "the workspace has no active sealing key")
            }
            sealer.install(keys, active: active, workspaceID: root.workspaceID)
            state.withLock { state in
                state.rootState = root
                state.provider = provider
                state.cachedAt = .now()
                state.staleSince = nil
                state.lastError = nil
            }
            return nil
        } catch {
            let failure = Self.unavailable(root.root.uri, error)
            markFailure(failure.message, root: root)
            return failure
        }
    }

    func unwrapAll(
        _ root: RootState, with provider: any RootKeyProvider
    ) async throws(RootKeyError) -> [Int64: SecretBytes] {
        var keys: [Int64: SecretBytes] = [:]
        let context = WrapContext(workspace: root.workspaceID, purpose: Self.sealingPurpose)
        for wrap in root.wraps {
            let key = try await provider.unwrap(
                WrappedRootKey(ciphertext: wrap.wrapped, kekVersion: wrap.kekVersion), context: context)
            guard key.count == SecretBox.keyLength else {
                throw RootKeyError(.networkError, "the provider unwrapped a sealing key of the wrong length")
            }
            keys[wrap.sealingKeyID] = key
        }
        return keys
    }

    /// Records a failed refresh: stale from the first failure; closed once the keys are older
    /// than the cache lifetime (or were never loaded).
    func markFailure(_ message: String, root: RootState?) {
        let expired = state.withLock { state -> Bool in
            if state.rootState == nil { state.rootState = root }
            if state.staleSince == nil { state.staleSince = .now() }
            state.lastError = message
            guard let cachedAt = state.cachedAt else { return true }
            return Timestamp.now().millisecondsSinceEpoch - cachedAt.millisecondsSinceEpoch
                >= cacheTTL.milliseconds
        }
        guard expired else { return }
        let wasOpen = sealer.isOpen
        sealer.close(reason: "failing closed: \(message)")
        if wasOpen { onClose() }
    }

    static let sealingPurpose = "sealing-key"

    static func unavailable(_ uri: String, _ error: any Error) -> AdminError {
        if let error = error as? RootKeyError {
            return AdminError(.unavailable, "root key \(uri) is unavailable: \(error.code.rawValue): \(error.message)")
        }
        return AdminError(error)
    }

    /// What `root show`, `status` and `/healthz` report about the root key.
    public func snapshot() -> RootSnapshot {
        state.withLock { state in
            RootSnapshot(
                uri: state.rootState?.root.uri, provider: state.rootState?.root.provider,
                kekID: state.rootState?.root.kekID, kekVersion: state.rootState?.activeWrap?.kekVersion,
                configuredAt: state.rootState?.root.configuredAt, configuredBy: state.rootState?.root.configuredBy,
                lastRotationAt: state.rootState?.root.rotatedAt, cachedAt: state.cachedAt,
                staleSince: state.staleSince, lastError: state.lastError,
                sealingKeys: state.rootState?.wraps.count ?? 0,
                open: sealer.isOpen, cacheTTL: cacheTTL, providerCalls: calls.value)
        }
    }
}

/// RootSnapshot is the root key as this process sees it: what it is, when the sealing keys
/// were cached, and since when the provider has failed, if it has.
public struct RootSnapshot: Sendable {
    public let uri: String?
    public let provider: String?
    public let kekID: String?
    public let kekVersion: String?
    public let configuredAt: Timestamp?
    public let configuredBy: String?
    public let lastRotationAt: Timestamp?
    public let cachedAt: Timestamp?
    public let staleSince: Timestamp?
    public let lastError: String?
    public let sealingKeys: Int
    /// Whether sealing keys are installed (false: failing closed, or never loaded).
    public let open: Bool
    public let cacheTTL: Duration
    public let providerCalls: Int
}

/// CountingProvider counts the calls made to the provider it wraps; nothing else.
struct CountingProvider: RootKeyProvider {
    let base: any RootKeyProvider
    let calls: CallCounter

    var location: RootKeyLocation { base.location }

    func describe() async throws(RootKeyError) -> RootKeyFacts {
        calls.increment()
        return try await base.describe()
    }

    func wrap(_ key: SecretBytes, context: WrapContext) async throws(RootKeyError) -> WrappedRootKey {
        calls.increment()
        return try await base.wrap(key, context: context)
    }

    func unwrap(_ wrapped: WrappedRootKey, context: WrapContext) async throws(RootKeyError) -> SecretBytes {
        calls.increment()
        return try await base.unwrap(wrapped, context: context)
    }
}

/// CallCounter is a shared count of provider calls.
final class CallCounter: Sendable {
    private let count = Atomic<Int>(0)
    var value: Int { count.load(ordering: .relaxed) }
    func increment() { count.add(1, ordering: .relaxed) }
}

extension Duration {
    var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}
