import Admin
import ArgumentParser

extension ActorKeysCommand.Root {
    struct Test: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Test a root key URI: its shape, the credentials, the key, a wrap/unwrap round trip.",
            discussion: """
                Saves nothing. Exits 0 when every step passes, else 1 with the failing step's code: \
                invalid_uri, auth_failed, key_not_found, permission_denied, network_error or \
                unsupported_key.
                """)

        @Argument(help: ArgumentHelp("The root key URI.", valueName: "URI"))
        var uri: String

        @OptionGroup var workspace: WorkspaceOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let administration = try await workspace.administration()
            let report: ConnectionTestReport
            do { report = ConnectionTestReport(try await administration.testRootKey(uri)) } catch {
                throw CLIError(error)
            }
            if output.json {
                try output.printJSON(report)
            } else if report.ok {
                print("ok: \(report.uri ?? uri) (\(report.kekID ?? "-"), version \(report.kekVersion ?? "-"))")
            }
            if !report.ok {
                throw CLIError(.failed, "\(report.errorCode ?? "failed"): \(report.errorDetail ?? "")")
            }
        }
    }
}
