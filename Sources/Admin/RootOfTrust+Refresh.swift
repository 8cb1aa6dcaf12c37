import ActorKeys
import Ledger
import Registry

extension RootOfTrust {
    /// Keeps this process's sealing keys fresh until cancelled (servers and other long-running
    /// processes; a CLI run loads once). Every `interval` it compares the workspace's active root
    /// and sealing key with its own and reloads when another process changed them (a reseal, a
    /// `root set`); and once half the cache lifetime has passed since the last success it
    /// unwraps again. A failed refresh is retried every tenth of the lifetime (at most 10 s);
    /// when the lifetime runs out the process fails closed until a retry succeeds.
    public func maintain(every interval: Duration = .seconds(1)) async {
        var lastAttempt = ContinuousClock.now
        while !Task.isCancelled {
            do { try await Task.sleep(for: interval) } catch { return }
            let marker = try? await store.rootMarker()
            let (cachedAt, known, stale) = state.withLock { state in
                (state.cachedAt, state.rootState.map(Self.marker(of:)), state.staleSince != nil)
            }
            let now = ContinuousClock.now
            let age = cachedAt.map { Timestamp.now().millisecondsSinceEpoch - $0.millisecondsSinceEpoch }
            let due = age.map { $0 >= cacheTTL.milliseconds / 2 } ?? true
            let retryEvery = min(Duration.seconds(10), cacheTTL / 10)
            let changed = marker != nil && marker != known
            if changed || (due && (!stale || now - lastAttempt >= retryEvery)) {
                lastAttempt = now
                await load()
            } else if stale, let age, age >= cacheTTL.milliseconds {
                markFailure(state.withLock { $0.lastError } ?? "the root key provider is unreachable", root: nil)
            }
        }
    }

    static func marker(of root: RootState) -> String {
        "\(root.root.id)/\(root.activeWrap?.sealingKeyID ?? 0)"
    }
}
