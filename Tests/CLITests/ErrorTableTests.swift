import Admin
import Foundation
import TestSupport
import Testing

/// Global options stand anywhere, and every failure class exits with DESIGN.md's code, one
/// `error:` line, whichever layer it comes from.
@Suite("global options and exit codes")
struct ErrorTableTests {
    @Test("--home, --database and --json work before the subcommand as well as after it")
    func globalOptionsBeforeOrAfter() throws {
        let directory = TemporaryDirectory()
        let home = directory.file("home")
        let database = "sqlite:" + directory.file("ak.db")
        var environment = ProcessInfo.processInfo.environment
        environment["ACTORKEYS_HOME"] = nil
        environment["ACTORKEYS_DATABASE_URL"] = nil
        let initialized = try TestSupport.run(
            Tools.actorkeys, ["--home", home, "--database", database, "--json", "init"], environment: environment)
        #expect(initialized.status == 0, "\(initialized.stderr)")
        #expect(JSONValue.parse(initialized.stdout) != nil)
        #expect(FileManager.default.fileExists(atPath: directory.file("ak.db")))
        let before = try TestSupport.run(
            Tools.actorkeys, ["--home=\(home)", "--database=\(database)", "actor", "enroll", "alice"],
            environment: environment)
        #expect(before.status == 0, "\(before.stderr)")
        let after = try TestSupport.run(
            Tools.actorkeys, ["actor", "show", "alice", "--home", home, "--database", database, "--json"],
            environment: environment)
        #expect(after.status == 0, "\(after.stderr)")
        #expect(after.stdoutText.contains(#""id":"alice""#))
        // Options in front of a command that has none of them are still refused.
        let keygen = try TestSupport.run(
            Tools.actorkeys, ["--home", home, "keygen", "-y", directory.file("none")], environment: environment)
        #expect(keygen.status == 2 && keygen.isOneErrorLine, "\(keygen.stderr)")
    }

    @Test("each failure class exits with its code of the one error table", arguments: TestBackend.allCases)
    func exitCodes(_ backend: TestBackend) throws {
        let session = try LedgerSession(backend)
        try #require(try session.run("init").status == 0)
        try #require(try session.run("actor", "enroll", "alice").status == 0)
        let cases: [([String], AdminError.Code)] = [
            (["actor", "show", "nobody"], .notFound),
            (["actor", "enroll", "alice"], .conflict),
            (["actor", "enroll", "Not/Valid"], .invalidArgument),
            (["key", "retire", "--actor", "alice", "--key", "nothex"], .invalidArgument),
            (["key", "create", "--actor", "alice"], .conflict),
            (["init"], .conflict),
        ]
        for (arguments, code) in cases {
            let result = try session.run(arguments: arguments)
            #expect(
                result.status == code.exitCode,
                "actorkeys \(arguments.joined(separator: " ")): \(result.status) \(result.stderr)")
            #expect(result.isOneErrorLine, "\(result.stderr)")
        }
        // A database that does not answer is an operation failure (1), not a usage error, on
        // every path into the CLI.
        for arguments in [["status"], ["ledger", "list"], ["actor", "list"]] {
            let result = try session.run(
                arguments: arguments, extra: ["ACTORKEYS_DATABASE_URL": "postgres://127.0.0.1:1/none?connect_timeout=2"]
            )
            #expect(
                result.status == AdminError.Code.unavailable.exitCode, "\(arguments): \(result.status) \(result.stderr)"
            )
            #expect(result.isOneErrorLine, "\(result.stderr)")
        }
    }

    @Test(
        "ledger import decodes each line as the API does: unknown, repeated or null fields stop it with the line number",
        arguments: [TestBackend.sqlite])
    func strictImportLines(_ backend: TestBackend) throws {
        let session = try LedgerSession(backend)
        try #require(try session.run("init").status == 0)
        try #require(try session.run("actor", "enroll", "alice").status == 0)
        let bad = [
            #"{"actor_id":"alice","payload":"x","encrpyt":false}"#,
            #"{"actor_id":"alice","actor_id":"admin","payload":"x"}"#,
            #"{"actor_id":"alice","payload":null}"#,
            #"{"actor_id":"alice","payload":"x","encrypt":"no"}"#,
        ]
        for line in bad {
            let input = #"{"actor_id":"alice","payload":"fine"}"# + "\n" + line + "\n"
            let result = try session.run("ledger", "import", input: Array(input.utf8))
            #expect(result.status == 2, "\(line): \(result.stderr)")
            #expect(result.stderr.hasPrefix("error: line 2: ") && result.isOneErrorLine, "\(result.stderr)")
        }
        #expect(try session.run("ledger", "list", "--json").stdoutText.contains(#""entries":[]"#))
    }

    @Test(
        "ledger import checks every writer before the first batch: an unknown one on line 1,700 appends nothing",
        arguments: TestBackend.allCases)
    func importChecksWritersFirst(_ backend: TestBackend) async throws {
        let session = try LedgerSession(backend)
        try #require(try session.run("init").status == 0)
        try #require(try session.run("actor", "enroll", "alice").status == 0)
        var lines = (1...2500).map { #"{"actor_id":"alice","payload":"row \#($0)"}"# }
        lines[1699] = #"{"actor_id":"mallory","payload":"row 1700"}"#
        let failed = try session.run("ledger", "import", input: Array(lines.joined(separator: "\n").utf8))
        #expect(failed.status == AdminError.Code.notFound.exitCode, "\(failed.stderr)")
        #expect(failed.stderr.hasPrefix("error: line 1700: ") && failed.isOneErrorLine, "\(failed.stderr)")
        #expect(try await session.scalar("SELECT COUNT(*) FROM ledger_entries") == 0)
        // Corrected, it appends each line once.
        lines[1699] = #"{"actor_id":"alice","payload":"row 1700"}"#
        let imported = try session.run("ledger", "import", input: Array(lines.joined(separator: "\n").utf8))
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(try await session.scalar("SELECT COUNT(*) FROM ledger_entries") == 2500)
    }
}
