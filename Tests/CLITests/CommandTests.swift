import Foundation
import TestSupport
import Testing

@Suite("actorkeys keygen, encrypt, decrypt: behaviour and failures")
struct CommandTests {
    @Test("keygen -o creates the file 0600, never overwrites it, and prints the public key to stderr")
    func keygenFile() throws {
        let directory = TemporaryDirectory()
        let path = directory.file("key.txt")
        let first = try actorkeys("keygen", "-o", path)
        #expect(first.status == 0)
        #expect(directory.mode(of: path) == 0o600)
        let contents = directory.contents(of: path)
        #expect(
            first.stderr == "Public key: " + contents.split(separator: "\n")[1].dropFirst("# public key: ".count) + "\n"
        )
        let second = try actorkeys("keygen", "-o", path)
        #expect(second.status == 4)
        #expect(second.isOneErrorLine)
        #expect(directory.contents(of: path) == contents)
        #expect(directory.entries() == ["key.txt"])
    }

    @Test("a wrong key, garbage or a truncated file: exit 1, one error line, no output file")
    func decryptFailures() throws {
        let directory = TemporaryDirectory()
        let (key, recipient) = try newKey(in: directory)
        let other = try newKey(in: directory, named: "other.txt").path
        let encrypted = try actorkeys("encrypt", "-r", recipient, input: pattern(200_000)).stdout
        let out = directory.file("out")
        let cases: [(String, [UInt8], String)] = [
            ("wrong key", encrypted, other),
            ("garbage", pattern(5000, seed: 9), key),
            ("empty", [], key),
            ("truncated header", Array(encrypted.prefix(60)), key),
            ("truncated payload", Array(encrypted.prefix(encrypted.count - 1)), key),
            (
                "truncated at a chunk boundary", Array(encrypted.prefix(encrypted.count - (200_000 - 3 * 65_536) - 16)),
                key
            ),
            ("appended byte", encrypted + [0], key),
        ]
        for (name, input, identity) in cases {
            let file = directory.file("input.age")
            directory.write(input, to: file)
            let result = try actorkeys("decrypt", "-i", identity, "-o", out, file)
            #expect(result.status == 1, "\(name): \(result.stderr)")
            #expect(result.isOneErrorLine, "\(name): \(result.stderr)")
            #expect(!directory.exists(out), "\(name) left an output file")
            #expect(directory.entries().allSatisfy { !$0.hasPrefix(".out.") }, "\(name) left a temporary file")
        }
        // An existing output file is left as it was when decryption fails.
        directory.write([42], to: out)
        let wrong = try actorkeys("decrypt", "-i", other, "-o", out, input: encrypted)
        #expect(wrong.status == 1)
        #expect(directory.bytes(of: out) == [42])
        // And replaced whole when it succeeds.
        #expect(try actorkeys("decrypt", "-i", key, "-o", out, input: encrypted).status == 0)
        #expect(directory.bytes(of: out) == pattern(200_000))
    }

    @Test("usage errors exit 2 with one line; a missing input exits 3")
    func usageErrors() throws {
        let directory = TemporaryDirectory()
        let (_, recipient) = try newKey(in: directory)
        let cases: [([String], Int32)] = [
            (["encrypt"], 2),
            (["encrypt", "-p", "-r", recipient], 2),
            (["encrypt", "--bogus"], 2),
            (["bogus"], 2),
            (["keygen", "input-without-y"], 2),
            (["decrypt", "-i", "-"], 2),  // standard input for both the identity and the input
            (["encrypt", "-r", recipient, directory.file("missing")], 3),
            (["decrypt", "-i", directory.file("missing")], 3),
            (["decrypt", "-p"], 2),
            (["decrypt", "-a"], 2),
            (["encrypt", "-r", "age1notarecipient"], 1),
            (["encrypt", "-r", "ssh-ed25519 AAAA"], 1),
        ]
        for (arguments, status) in cases {
            let result = try actorkeys(arguments: arguments)
            #expect(result.status == status, "\(arguments): \(result.stderr)")
            #expect(result.isOneErrorLine, "\(arguments): \(result.stderr)")
        }
    }

    @Test("decrypting without -i explains what is missing; a passphrase file with -i says so")
    func identityExplanations() throws {
        let directory = TemporaryDirectory()
        let (key, recipient) = try newKey(in: directory)
        let keyed = try actorkeys("encrypt", "-r", recipient, input: [1]).stdout
        let result = try actorkeys("decrypt", input: keyed)
        #expect(result.status == 2)
        #expect(result.stderr.contains("-i/--identity"))

        let passphraseFile = directory.file("p.age")
        let made = try inTerminal(
            "\(Tools.actorkeys) encrypt -p -o p.age", typed: "pw\npw\n", directory: directory.path)
        // script(1) gives the command the terminal as its input too: encrypt read an empty stdin.
        try #require(made.status == 0, "\(made.stdoutText)")
        let withKey = try actorkeys("decrypt", "-i", key, passphraseFile)
        #expect(withKey.status == 2)
        #expect(withKey.stderr.contains("passphrase-encrypted"))
        let noTerminal = try run("/usr/bin/setsid", ["-w", Tools.actorkeys, "decrypt", passphraseFile])
        #expect(noTerminal.status == 1)
        #expect(noTerminal.stderr.contains("cannot read a passphrase"))
    }

    @Test("binary output is refused on a terminal unless forced or armored")
    func terminalRefusal() throws {
        let directory = TemporaryDirectory()
        let (_, recipient) = try newKey(in: directory)
        let refused = try inTerminal(
            "echo hi | \(Tools.actorkeys) encrypt -r \(recipient)", typed: "", directory: directory.path)
        #expect(refused.status == 2)
        #expect(refused.stdoutText.contains("refusing to output binary to the terminal"))
        let armored = try inTerminal(
            "echo hi | \(Tools.actorkeys) encrypt -a -r \(recipient)", typed: "", directory: directory.path)
        #expect(armored.status == 0)
        #expect(armored.stdoutText.contains("-----BEGIN AGE ENCRYPTED FILE-----"))
    }

    @Test("memory stays bounded while streaming 256 MiB through encrypt and decrypt")
    func boundedMemory() throws {
        let directory = TemporaryDirectory()
        let (key, recipient) = try newKey(in: directory)
        let big = directory.file("big")
        _ = FileManager.default.createFile(atPath: big, contents: nil)
        #expect(truncate(big, 256 * 1024 * 1024) == 0)
        let encrypted = directory.file("big.age")
        let decrypted = directory.file("big.out")
        let encryption = try runMeasuringPeakMemory(
            Tools.actorkeys, ["encrypt", "-r", recipient, "-o", encrypted, big])
        #expect(encryption.status == 0)
        let decryption = try runMeasuringPeakMemory(
            Tools.actorkeys, ["decrypt", "-i", key, "-o", decrypted, encrypted])
        #expect(decryption.status == 0)
        #expect(try run("/usr/bin/cmp", [big, decrypted]).status == 0)
        // Peak resident memory in KiB: far below the 256 MiB that went through.
        #expect(encryption.peakKiB < 64 * 1024, "encrypt peaked at \(encryption.peakKiB) KiB")
        #expect(decryption.peakKiB < 64 * 1024, "decrypt peaked at \(decryption.peakKiB) KiB")
        #expect(encryption.peakKiB > 0 && decryption.peakKiB > 0)
    }

    /// Runs a command and samples its peak resident set (VmHWM) until it exits.
    func runMeasuringPeakMemory(_ executable: String, _ arguments: [String]) throws -> (status: Int32, peakKiB: Int) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        try process.run()
        var peak = 0
        while process.isRunning {
            if let status = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8),
                let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
                let kib = Int(line.split(separator: " ", omittingEmptySubsequences: true)[1])
            {
                peak = max(peak, kib)
            }
            usleep(2000)
        }
        process.waitUntilExit()
        return (process.terminationStatus, peak)
    }

    @Test("-o to a FIFO streams into it; -o to a symlink writes the file it points to")
    func specialOutputs() throws {
        let directory = TemporaryDirectory()
        let (key, recipient) = try newKey(in: directory)
        let encrypted = directory.file("c.age")
        directory.write(try actorkeys("encrypt", "-r", recipient, input: pattern(100_000)).stdout, to: encrypted)

        let fifo = directory.file("fifo")
        #expect(mkfifo(fifo, 0o600) == 0)
        let reader = Process()
        reader.executableURL = URL(fileURLWithPath: "/bin/sh")
        reader.arguments = ["-c", "cat \(fifo) > \(directory.file("from-fifo"))"]
        try reader.run()
        #expect(try actorkeys("decrypt", "-i", key, "-o", fifo, encrypted).status == 0)
        reader.waitUntilExit()
        #expect(directory.bytes(of: directory.file("from-fifo")) == pattern(100_000))
        var status = stat()
        #expect(lstat(fifo, &status) == 0 && (status.st_mode & S_IFMT) == S_IFIFO)

        let target = directory.file("target")
        directory.write([1], to: target)
        let link = directory.file("link")
        #expect(symlink(target, link) == 0)
        #expect(try actorkeys("decrypt", "-i", key, "-o", link, encrypted).status == 0)
        #expect(lstat(link, &status) == 0 && (status.st_mode & S_IFMT) == S_IFLNK)
        #expect(directory.bytes(of: target) == pattern(100_000))
    }

    @Test("an interrupted encryption leaves neither the output nor a temporary file")
    func interrupt() throws {
        let directory = TemporaryDirectory()
        let (_, recipient) = try newKey(in: directory)
        let fifo = directory.file("fifo")
        #expect(mkfifo(fifo, 0o600) == 0)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Tools.actorkeys)
        process.arguments = ["encrypt", "-r", recipient, "-o", directory.file("out.age"), fifo]
        try process.run()
        let writer = FileHandle(forWritingAtPath: fifo)!
        writer.write(Data(pattern(3 * 1024 * 1024)))
        // The temporary file exists while the command waits for more input.
        #expect(directory.entries().contains { $0.hasPrefix(".out.age.") })
        process.interrupt()
        process.waitUntilExit()
        try? writer.close()
        #expect(process.terminationStatus != 0)
        #expect(Set(directory.entries()) == ["key.txt", "fifo"])
    }
}

@Suite("actorkeys admin generate-encryption-key")
struct GenerateEncryptionKeyTests {
    @Test("writes the key, prints paths, recipient and fingerprint; JSON on request")
    func generates() throws {
        let home = TemporaryDirectory()
        let result = try actorkeys(
            "admin", "generate-encryption-key", "--home", home.path, "--actor", "alice", "--name", "v1", "--json")
        #expect(result.status == 0, "\(result.stderr)")
        let report = try JSONSerialization.jsonObject(with: Data(result.stdout)) as! [String: Any]
        #expect(report["actor"] as? String == "alice")
        #expect(report["name"] as? String == "v1")
        let identityPath = report["identity_path"] as! String
        #expect(identityPath == home.path + "/keys/actors/alice/v1.key")
        #expect(home.mode(of: identityPath) == 0o600)
        let recipient = report["recipient"] as! String
        #expect(home.contents(of: report["recipient_path"] as! String) == recipient + "\n")
        #expect((report["fingerprint"] as! String).count == 16)
        // The identity opens with age(1).
        let encrypted = try run(try age(), ["-r", recipient], input: [7, 7])
        #expect(try run(try age(), ["-d", "-i", identityPath], input: encrypted.stdout).stdout == [7, 7])

        let shared = try actorkeys("admin", "generate-encryption-key", "--keys-dir", home.file("other-keys"), "--json")
        let sharedReport = try JSONSerialization.jsonObject(with: Data(shared.stdout)) as! [String: Any]
        #expect(sharedReport["actor"] is NSNull)
        #expect(sharedReport["identity_path"] as? String == home.file("other-keys") + "/shared/primary.key")
    }

    @Test("exit 4 on a name conflict, 2 on an invalid name or actor; force replaces, except primary")
    func exitCodes() throws {
        let home = TemporaryDirectory()
        let base = ["admin", "generate-encryption-key", "--home", home.path]
        #expect(try actorkeys(arguments: base).status == 0)
        let primaryAgain = try actorkeys(arguments: base + ["--force"])
        #expect(primaryAgain.status == 4)
        #expect(primaryAgain.isOneErrorLine)
        #expect(try actorkeys(arguments: base + ["--name", "v2"]).status == 0)
        #expect(try actorkeys(arguments: base + ["--name", "v2"]).status == 4)
        #expect(try actorkeys(arguments: base + ["--name", "v2", "--force"]).status == 0)
        for bad in [["--name", "../x"], ["--name", "Primary"], ["--actor", "../../etc"], ["--actor", ""]] {
            let result = try actorkeys(arguments: base + bad)
            #expect(result.status == 2, "\(bad)")
            #expect(result.isOneErrorLine)
        }
        let invalid = try actorkeys(arguments: base + ["--name", "no/slash"])
        #expect(invalid.stderr.contains("[a-z0-9][a-z0-9._-]{0,63}"))
    }

    @Test("--home defaults to $ACTORKEYS_HOME")
    func homeFromEnvironment() throws {
        let home = TemporaryDirectory()
        var environment = ProcessInfo.processInfo.environment
        environment["ACTORKEYS_HOME"] = home.path
        let result = try run(Tools.actorkeys, ["admin", "generate-encryption-key"], environment: environment)
        #expect(result.status == 0)
        #expect(home.exists(home.path + "/keys/shared/primary.key"))
    }
}
