import Hummingbird

/// LargeBodyGate bounds the memory that large request bodies take: at most `permits` requests
/// whose body is over `threshold` bytes (by Content-Length; a body without one counts as large)
/// are read and handled at once, and the others wait their turn, in order. A 16 MiB payload
/// is held several times over while it is decoded and sealed, so sixteen at once took half a
/// gigabyte; small requests never wait.
struct LargeBodyGate<Context: RequestContext>: RouterMiddleware {
    let turns: Turns
    let threshold: Int

    init(permits: Int = 2, threshold: Int = 1 << 20) {
        turns = Turns(permits: permits)
        self.threshold = threshold
    }

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard isLarge(request) else { return try await next(request, context) }
        await turns.acquire()
        do {
            let response = try await next(request, context)
            await turns.release()
            return response
        } catch {
            await turns.release()
            throw error
        }
    }

    private func isLarge(_ request: Request) -> Bool {
        guard request.method == .post || request.method == .put || request.method == .patch else { return false }
        guard let length = request.headers[.contentLength] else { return request.headers[.transferEncoding] != nil }
        return Int(length).map { $0 > threshold } ?? true
    }

    /// Turns is a counting semaphore whose waiters are served first come, first served.
    actor Turns {
        private let permits: Int
        private var inUse = 0
        private var waiting: [CheckedContinuation<Void, Never>] = []

        init(permits: Int) { self.permits = permits }

        func acquire() async {
            if inUse < permits {
                inUse += 1
                return
            }
            await withCheckedContinuation { waiting.append($0) }
        }

        func release() {
            if waiting.isEmpty {
                inUse -= 1
            } else {
                waiting.removeFirst().resume()
            }
        }
    }
}
