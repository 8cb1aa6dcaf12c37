import ActorKeys
import Admin
import ArgumentParser
import Ledger

extension ActorKeysCommand {
    /// `actorkeys audit`: the audit trail.
    struct Audit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "audit",
            abstract: "Read and verify the hash-chained audit trail.",
            subcommands: [List.self, Verify.self]
        )

        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "List audit events, oldest first.")

            @Option(
                name: .long, help: ArgumentHelp("Only events at or after this time (RFC 3339, UTC).", valueName: "T"))
            var since: String?

            @OptionGroup var page: PageOptions
            @OptionGroup var workspace: WorkspaceOptions
            @OptionGroup var output: OutputOptions

            func validate() throws {
                if let since, Timestamp(rfc3339: since) == nil {
                    throw ValidationError("--since takes a UTC time like 2026-11-23T06:00:00Z.")
                }
            }

            func run() async throws {
                let administration = try await workspace.administration()
                let events: [AuditRecord]
                do {
                    events = try await administration.auditEvents(
                        after: page.after, since: since.flatMap(Timestamp.init(rfc3339:)), limit: page.limit)
                } catch { throw CLIError(error) }
                if output.json { return try output.printJSON(AuditPageReport(events: events, limit: page.limit)) }
                for event in events {
                    print(
                        "\(event.sequence)\t\(event.occurredAt.rfc3339Milliseconds)\t\(event.eventType)\t\(event.principal ?? "-")\t\(event.targetActor ?? "-")\t\(event.details)"
                    )
                }
            }
        }

        struct Verify: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Check the hash chain: an edited, deleted or reordered event is reported (exit 1)."
            )

            @OptionGroup var workspace: WorkspaceOptions
            @OptionGroup var output: OutputOptions

            func run() async throws {
                let administration = try await workspace.administration()
                let verification: AuditVerification
                do { verification = try await administration.verifyAudit() } catch { throw CLIError(error) }
                if output.json {
                    try output.printJSON(AuditVerificationReport(verification))
                }
                guard verification.isIntact else {
                    throw CLIError(.failed, "audit trail broken: \(verification.problem ?? "")")
                }
                if !output.json { print("audit trail intact: \(verification.events) events") }
            }
        }
    }
}
