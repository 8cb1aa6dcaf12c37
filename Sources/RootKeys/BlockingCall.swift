import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// BlockingCall runs a function that blocks without a timeout of its own (a PKCS#11 call into
/// an HSM's library) on a thread of its own, and gives up waiting for it after `timeout`.
///
/// The cooperative pool never blocks on the module: the caller's task is suspended, not its
/// thread. A call that hangs cannot be interrupted (PKCS#11 has no cancellation; killing a
/// thread inside a C library is unsafe), so on a timeout the caller gets `.networkError` at once
/// and the thread stays parked in the module until the module returns, holding what it holds:
/// later calls on the same module then wait behind it and time out too, which is the honest
/// answer while the HSM is hung. Calls are rare (one per process start or cache expiry), so one
/// short-lived thread per call costs nothing that matters.
enum BlockingCall {
    static func run<Result: Sendable>(
        timeout: Duration, _ what: String, _ body: @escaping @Sendable () throws(RootKeyError) -> Result
    ) async throws(RootKeyError) -> Result {
        let outcome = await withCheckedContinuation { (continuation: CheckedContinuation<Outcome<Result>, Never>) in
            let once = ResumeOnce(continuation)
            let timer = Task {
                do { try await Task.sleep(for: timeout) } catch { return }
                once.resume(.failure(RootKeyError(.networkError, "\(what) did not answer within \(timeout)")))
            }
            let started = Self.detach {
                once.resume(Outcome { () throws(RootKeyError) -> Result in try body() })
                timer.cancel()
            }
            if !started {
                timer.cancel()
                once.resume(.failure(RootKeyError(.networkError, "\(what): cannot start a thread for the call")))
            }
        }
        return try outcome.get()
    }

    typealias Outcome<Success> = Swift.Result<Success, RootKeyError>

    /// Resumes a continuation once: whichever of the call and the timer comes first wins.
    private final class ResumeOnce<Success: Sendable>: Sendable {
        private let continuation: Mutex<CheckedContinuation<Outcome<Success>, Never>?>

        init(_ continuation: CheckedContinuation<Outcome<Success>, Never>) {
            self.continuation = Mutex(continuation)
        }

        func resume(_ outcome: sending Outcome<Success>) {
            let waiting = continuation.withLock { stored in
                defer { stored = nil }
                return stored
            }
            waiting?.resume(returning: outcome)
        }
    }

    private final class Work {
        let body: () -> Void
        init(_ body: @escaping () -> Void) { self.body = body }
    }

    /// Starts a detached POSIX thread running `body`; false if none could be created.
    private static func detach(_ body: @escaping @Sendable () -> Void) -> Bool {
        let work = Unmanaged.passRetained(Work(body)).toOpaque()
        var attributes = pthread_attr_t()
        guard pthread_attr_init(&attributes) == 0 else {
            Unmanaged<Work>.fromOpaque(work).release()
            return false
        }
        defer { pthread_attr_destroy(&attributes) }
        guard pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED)) == 0 else {
            Unmanaged<Work>.fromOpaque(work).release()
            return false
        }
        #if canImport(Darwin)
        var thread: pthread_t? = nil
        #else
        var thread = pthread_t()
        #endif
        let status = pthread_create(
            &thread, &attributes,
            { argument in
                let work = Unmanaged<Work>.fromOpaque((argument as UnsafeMutableRawPointer?)!).takeRetainedValue()
                work.body()
                return nil
            }, work)
        guard status == 0 else {
            Unmanaged<Work>.fromOpaque(work).release()
            return false
        }
        return true
    }
}
