import Foundation
import Ledger
import TestSupport
import Testing

/// What a careful operator would trip over (issue 13's weaknesses): a lost database taken for a
/// fresh install, a world-readable database, the last admin shredded, and an audit principal
/// taken from `$USER`.
@Suite("hardening of the command line's workspace")
struct HardeningTests {
    /// Runs `actorkeys` on the embedded default: a SQLite database in `home`.
    static func actorkeys(
        _ home: String, _ arguments: String..., input: [UInt8] = [], environment extra: [String: String] = [:]
    ) throws -> CommandResult {
        var environment = ProcessInfo.processInfo.environment
        environment["ACTORKEYS_HOME"] = home
        environment["ACTORKEYS_DATABASE_URL"] = nil
        return try run(Tools.actorkeys, arguments, input: input, environment: environment.merging(extra) { $1 })
    }

    static func mode(_ path: String) throws -> Int {
        try #require(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
    }

    @Test("a home that holds keys but lost its database is refused, never taken for a fresh install")
    func lostDatabase() throws {
        let directory = TemporaryDirectory()
        let home = directory.file("home")
        #expect(try Self.actorkeys(home, "init").status == 0)
        let database = home + "/actorkeys.db"
        try FileManager.default.moveItem(atPath: database, toPath: directory.file("backup.db"))
        for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: database + suffix) }
        for arguments in [["status"], ["audit", "verify"], ["actor", "list"]] {
            let refused = try run(
                Tools.actorkeys, arguments,
                environment: ProcessInfo.processInfo.environment.merging(["ACTORKEYS_HOME": home]) { $1 }
                    .filter { $0.key != "ACTORKEYS_DATABASE_URL" })
            #expect(refused.status == 3 && refused.isOneErrorLine, "\(arguments): \(refused.stderr)")
            #expect(refused.stderr.contains("holds keys") && refused.stderr.contains("restore the database"))
        }
        #expect(!FileManager.default.fileExists(atPath: database), "a lookup created an empty database")
        // An empty file in its place: the same refusal.
        FileManager.default.createFile(atPath: database, contents: Data(), attributes: [.posixPermissions: 0o600])
        let empty = try Self.actorkeys(home, "status")
        #expect(empty.status == 3 && empty.stderr.contains("holds keys"), "\(empty.stderr)")
        // A home without keys is a fresh install, and says to run init.
        let fresh = try Self.actorkeys(directory.file("other"), "status")
        #expect(fresh.status == 3 && fresh.stderr.contains("run actorkeys init"), "\(fresh.stderr)")
    }

    @Test("the SQLite database and its -wal and -shm files are 0600; an older 0644 one is tightened")
    func databaseModes() throws {
        let directory = TemporaryDirectory()
        let home = directory.file("home")
        #expect(try Self.actorkeys(home, "init").status == 0)
        let database = home + "/actorkeys.db"
        #expect(try Self.mode(database) == 0o600)
        #expect(try Self.actorkeys(home, "ledger", "append", "--actor", "admin", "--plaintext", input: [1]).status == 0)
        for suffix in ["-wal", "-shm"] where FileManager.default.fileExists(atPath: database + suffix) {
            #expect(try Self.mode(database + suffix) == 0o600, "\(suffix)")
        }
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: database)
        #expect(try Self.actorkeys(home, "status").status == 0)
        #expect(try Self.mode(database) == 0o600)
    }

    @Test("the last admin cannot be shredded; with another admin it can")
    func lastAdmin() throws {
        let directory = TemporaryDirectory()
        let home = directory.file("home")
        #expect(try Self.actorkeys(home, "init").status == 0)
        let refused = try Self.actorkeys(home, "key", "shred", "--actor", "admin", "--yes")
        #expect(refused.status == 4 && refused.stderr.contains("last actor with is_admin"), "\(refused.stderr)")
        #expect(try Self.actorkeys(home, "actor", "enroll", "second", "--admin", "--infra-admin").status == 0)
        let shredded = try Self.actorkeys(home, "key", "shred", "--actor", "admin", "--yes")
        #expect(shredded.status == 0, "\(shredded.stderr)")
        // A shredded admin cannot sign in: it does not count as another admin.
        let demoted = try Self.actorkeys(home, "actor", "set", "second", "--no-admin")
        #expect(demoted.status == 4 && demoted.stderr.contains("last actor with is_admin"), "\(demoted.stderr)")
    }

    @Test("the audit trail names the process's real user, not $USER")
    func auditPrincipal() throws {
        let directory = TemporaryDirectory()
        let home = directory.file("home")
        #expect(try Self.actorkeys(home, "init", environment: ["USER": "mallory"]).status == 0)
        #expect(try Self.actorkeys(home, "actor", "enroll", "zed", environment: ["USER": ""]).status == 0)
        let audit = try Self.actorkeys(home, "audit", "list", "--json")
        let user = String(cString: getpwuid(getuid())!.pointee.pw_name)
        #expect(!audit.stdoutText.contains("mallory") && !audit.stdoutText.contains("cli:unknown"))
        #expect(audit.stdoutText.contains("cli:\(user)"))
    }

    @Test("a cut or rewritten audit tail is found through the head kept outside the database")
    func auditTail() async throws {
        let directory = TemporaryDirectory()
        let home = directory.file("home")
        #expect(try Self.actorkeys(home, "init").status == 0)
        for name in ["a1", "a2", "a3"] { #expect(try Self.actorkeys(home, "actor", "enroll", name).status == 0) }
        let headFile = home + "/audit-head"
        #expect(try Self.mode(headFile) == 0o600)
        let intact = try Self.actorkeys(home, "audit", "verify")
        #expect(intact.status == 0 && intact.stdoutText.contains("audit-head"), "\(intact.stdoutText)")
        let events = try #require(
            (try JSONSerialization.jsonObject(with: Data(try Self.actorkeys(home, "audit", "list", "--json").stdout))
                as? [String: Any])?["events"] as? [[String: Any]])
        let early = try #require(events.dropLast(2).last)
        let earlyHead = "\(try #require(early["seq"] as? Int)):\(try #require(early["hash"] as? String))"
        #expect(try Self.actorkeys(home, "audit", "verify", "--head", earlyHead).status == 0)

        // Cut the last two events: the chain alone still holds, the head outside does not.
        let store = try await LedgerStore.open(.sqlite(path: home + "/actorkeys.db"))
        let last = try await store.lastAuditSequence()
        _ = try await store.pool.write { connection throws(LedgerError) in
            try connection.execute("DELETE FROM audit_events WHERE seq > $1", .integer(last - 2))
        }
        let cut = try Self.actorkeys(home, "audit", "verify")
        #expect(cut.status == 1 && cut.stderr.contains("the trail was cut"), "\(cut.stderr)")
        // A head from before the cut still holds; a head with another hash is a rewrite.
        try FileManager.default.removeItem(atPath: headFile)
        #expect(try Self.actorkeys(home, "audit", "verify", "--head", earlyHead).status == 0)
        let forged = earlyHead.prefix { $0 != ":" } + ":" + String(repeating: "0", count: 64)
        let rewritten = try Self.actorkeys(home, "audit", "verify", "--head", String(forged))
        #expect(rewritten.status == 1 && rewritten.stderr.contains("rewritten"), "\(rewritten.stderr)")
        #expect(try Self.actorkeys(home, "audit", "verify", "--head", "nonsense").status == 2)
    }

    @Test("temporary files left by a killed writer are erased when the workspace opens; a fresh one stays")
    func abandonedTemporaryFiles() throws {
        let directory = TemporaryDirectory()
        let home = directory.file("home")
        #expect(try Self.actorkeys(home, "init").status == 0)
        let stale = home + "/keys/.root.key.0123456789ab.tmp"
        let fresh = home + "/keys/.v2.key.abcdef012345.tmp"
        let unrelated = home + "/keys/notes.tmp"
        for path in [stale, fresh, unrelated] {
            FileManager.default.createFile(
                atPath: path, contents: Data("AGE-SECRET-KEY-1…".utf8), attributes: [.posixPermissions: 0o600])
        }
        try FileManager.default.setAttributes(
            [.modificationDate: Date(timeIntervalSinceNow: -3600)], ofItemAtPath: stale)
        try FileManager.default.setAttributes(
            [.modificationDate: Date(timeIntervalSinceNow: -3600)], ofItemAtPath: unrelated)
        #expect(try Self.actorkeys(home, "status").status == 0)
        #expect(!FileManager.default.fileExists(atPath: stale), "an abandoned temporary file is still there")
        #expect(FileManager.default.fileExists(atPath: fresh), "a writer's file at work was taken")
        #expect(FileManager.default.fileExists(atPath: unrelated), "a file that is not ours was taken")
    }
}
