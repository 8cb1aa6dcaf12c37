import Dispatch

/// Runs blocking work (connecting, `poll`) on a dispatch queue, never on Swift's cooperative
/// thread pool.
enum Blocking {
    static func run<Result: Sendable>(
        _ body: @escaping @Sendable () throws(LedgerError) -> Result
    ) async throws(LedgerError) -> Result {
        let outcome: Swift.Result<Result, LedgerError> = await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(returning: Swift.Result { () throws(LedgerError) in try body() })
            }
        }
        return try outcome.get()
    }
}
