import Admin
import ArgumentParser

extension ActorKeysCommand.Root {
    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show",
            abstract: "The root key: provider, key, KEK version, last rotation, cache and stale state.")

        @OptionGroup var workspace: WorkspaceOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let administration = try await workspace.administration()
            let report: RootReport
            do { report = RootReport(try administration.rootSnapshot()) } catch { throw CLIError(error) }
            if output.json {
                try output.printJSON(report)
                return
            }
            print(
                """
                root key:      \(report.uri ?? "none")
                provider:      \(report.provider ?? "-")
                key:           \(report.keyName ?? "-") (\(report.kekID ?? "-"))
                kek version:   \(report.currentKekVersion ?? "-")
                last rotation: \(report.lastRotationAt ?? "never")
                cached at:     \(report.cachedAt ?? "not cached") (ttl \(report.cacheTTLSeconds)s)
                state:         \(report.state)\(report.staleSince.map { ", stale since \($0)" } ?? "")
                """)
            if let error = report.lastError { print("last error:    \(error)") }
        }
    }
}
