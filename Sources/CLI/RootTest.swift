import ActorKeys
import Admin
import ArgumentParser
import FoundationEssentials
import RootKeys

extension ActorKeysCommand.Root {
    struct Test: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "test",
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
            let report: ConnectionTestReport
            if let administration = try await initializedWorkspace() {
                do { report = ConnectionTestReport(try await administration.testRootKey(uri)) } catch {
                    throw CLIError(error)
                }
            } else {
                // Before init: nothing to audit into; the credentials come from the environment.
                report = ConnectionTestReport(
                    await ConnectionTest.run(
                        uri: uri,
                        credentials: ProviderCredentials(
                            environment: ProcessInfo.processInfo.environment, secretsDirectory: nil),
                        workspace: "unsaved"))
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

        /// The workspace, to audit the test in, when there is an initialized one; nil before
        /// init (a home folder or database that does not exist yet is not created).
        func initializedWorkspace() async throws -> KeyAdministration? {
            let home = workspace.homeOptions.homeDirectory
            let database = try workspace.databaseURL()
            if database == nil, !FilePath.exists(FilePath.join(home, "actorkeys.db")) { return nil }
            do {
                return try await workspace.administration()
            } catch let error as CLIError where error.exitCode == CLIError.ExitCode.notFound.rawValue {
                return nil
            }
        }
    }
}
