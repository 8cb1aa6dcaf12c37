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
            static let configuration = CommandConfiguration(
                commandName: "list", abstract: "List audit events, oldest first.")

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
                commandName: "verify",
                abstract: "Check the hash chain: an edited, deleted or reordered event is reported (exit 1).",
                discussion: """
                    The chain is also held to the heads kept outside the database: <home>/audit-head, which \
                    every process moves to the newest event it writes, and each --head SEQ:HASH given (an \
                    event's sequence and hash, kept elsewhere): a trail cut or rewritten after them is \
                    reported.
                    """
            )

            @Option(
                name: .long,
                help: ArgumentHelp(
                    "A head kept outside the database: an event's sequence and hash.", valueName: "SEQ:HASH"))
            var head: [String] = []

            @OptionGroup var workspace: WorkspaceOptions
            @OptionGroup var output: OutputOptions

            func validate() throws {
                for text in head where AuditCheckpoint(parsing: text, source: "--head") == nil {
                    throw ValidationError("--head takes an event's sequence and hash: SEQ:HASH (64 hex digits).")
                }
            }

            func run() async throws {
                let administration = try await workspace.administration()
                let heads = head.compactMap { AuditCheckpoint(parsing: $0, source: "--head \($0.prefix(12))…") }
                let verification: AuditVerification
                do { verification = try await administration.verifyAudit(heads: heads) } catch { throw CLIError(error) }
                if output.json {
                    try output.printJSON(AuditVerificationReport(verification))
                }
                guard verification.isIntact else {
                    throw CLIError(.failed, "audit trail broken: \(verification.problem ?? "")")
                }
                if !output.json {
                    let anchors =
                        verification.anchors.isEmpty ? "" : ", up to \(verification.anchors.joined(separator: " and "))"
                    print("audit trail intact: \(verification.events) events\(anchors)")
                }
            }
        }
    }
}
