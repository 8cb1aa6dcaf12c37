import Admin
import Dispatch

#if canImport(Glibc)
import Glibc
#endif

/// ProgressDisplay runs a long job with progress on the terminal (one line on stderr, redrawn,
/// only when stderr is a terminal), stops it cleanly on the first Ctrl-C (a second one exits at
/// once), and prints the summary: done, failed, skipped.
enum ProgressDisplay {
    static func run(
        _ title: String, json: OutputOptions, _ job: (OperationControl) async throws(AdminError) -> OperationSummary
    ) async throws(CLIError) {
        let terminal = Console.isTerminal(2)
        let control = OperationControl { summary in
            guard terminal else { return }
            let total = summary.total.map { "/\($0)" } ?? ""
            Console.write(
                "\r\(title): \(summary.done + summary.failed + summary.skipped)\(total) (\(summary.done) done, \(summary.failed) failed, \(summary.skipped) skipped)\u{1B}[K",
                to: 2)
        }
        let interrupts = InterruptWatch { control.stop() }
        defer { interrupts.cancel() }
        let summary: OperationSummary
        do {
            summary = try await job(control)
        } catch {
            if terminal { Console.write("\n", to: 2) }
            throw CLIError(error)
        }
        if terminal { Console.write("\n", to: 2) }
        if json.json {
            try? json.printJSON(SummaryReport(summary))
        } else {
            print("\(title): \(summary.done) done, \(summary.failed) failed, \(summary.skipped) skipped")
            for failure in summary.failures { print("  failed: \(failure)") }
        }
        if summary.interrupted {
            throw CLIError(.failed, "\(title) interrupted: nothing is half-done; run the same command again to resume")
        }
        if summary.failed > 0 {
            throw CLIError(.failed, "\(title): \(summary.failed) item\(summary.failed == 1 ? "" : "s") failed")
        }
    }
}

/// InterruptWatch turns the first SIGINT or SIGTERM into `onInterrupt`, and the second SIGINT
/// into an immediate exit.
final class InterruptWatch: @unchecked Sendable {
    private var sources: [DispatchSourceSignal] = []

    init(_ onInterrupt: @escaping @Sendable () -> Void) {
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            var seen = false
            source.setEventHandler {
                if seen { _exit(130) }
                seen = true
                Console.write("\nstopping after the current batch (Ctrl-C again to quit at once)…\n", to: 2)
                onInterrupt()
            }
            source.resume()
            sources.append(source)
        }
    }

    func cancel() {
        for source in sources { source.cancel() }
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
    }
}
