import Foundation
import TestSupport
import Testing

/// Post-quantum age through the CLI, checked against Tests/Reference/age_pq.py, an independent
/// implementation (PyPI's cryptography for ML-KEM-768, the rest written from the specifications),
/// both ways; and against age(1) 1.1.1, which predates post-quantum recipients.
@Suite("post-quantum age (mlkem768x25519) in the CLI")
struct PostQuantumTests {
    static let sizes = [0, 1, 65_535, 65_536, 65_537, 1_048_577]
    static let reference = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Reference/age_pq.py").path

    static func python() throws -> String {
        try TestEnvironment.required("ACTORKEYS_TEST_AGE_REFERENCE_PYTHON", from: "scripts/with-age-reference")
    }

    /// A post-quantum key made by `actorkeys keygen --pq`, and its recipient.
    struct Key {
        let directory = TemporaryDirectory()
        let file: String
        let recipient: String

        init() throws {
            file = directory.file("pq-key.txt")
            let made = try actorkeys("keygen", "--pq", "-o", file)
            try #require(made.status == 0, "\(made.stderr)")
            recipient = made.stderr.replacingOccurrences(of: "Public key: ", with: "")
                .trimmingCharacters(in: .newlines)
        }
    }

    @Test("keygen --pq writes age-keygen's layout, 0600; -y reads it back; the public key goes to stderr")
    func keygen() throws {
        let key = try Key()
        #expect(key.directory.mode(of: key.file) == 0o600)
        let lines = key.directory.contents(of: key.file).split(separator: "\n")
        #expect(lines.count == 3)
        #expect(lines[0].hasPrefix("# created: "))
        #expect(lines[1] == "# public key: " + key.recipient)
        #expect(lines[2].hasPrefix("AGE-SECRET-KEY-PQ-1") && lines[2].count == 77)
        #expect(key.recipient.hasPrefix("age1pq1") && key.recipient.count == 1959)
        #expect(try actorkeys("keygen", "-y", key.file).stdoutText == key.recipient + "\n")
        let both = try actorkeys("keygen", "--pq", "-y", key.file)
        #expect(both.status == 2)
        let again = try actorkeys("keygen", "--pq", "-o", key.file)
        #expect(again.status == 4)
        #expect(again.isOneErrorLine)
    }

    @Test("actorkeys encrypts to age1pq1…, the reference decrypts", arguments: sizes, [false, true])
    func referenceDecrypts(size: Int, armor: Bool) throws {
        let python = try Self.python()
        let key = try Key()
        let plaintext = pattern(size, seed: UInt32(size) &+ 11)
        let encrypted = try actorkeys(
            arguments: ["encrypt", "-r", key.recipient] + (armor ? ["-a"] : ["-o", "-"]), input: plaintext)
        try #require(encrypted.status == 0, "\(encrypted.stderr)")
        let decrypted = try run(python, [Self.reference, "decrypt", key.file], input: encrypted.stdout)
        #expect(decrypted.status == 0, "\(decrypted.stderr)")
        #expect(decrypted.stdout == plaintext)
    }

    @Test("the reference encrypts to actorkeys's recipient, actorkeys decrypts", arguments: sizes)
    func actorkeysDecrypts(size: Int) throws {
        let python = try Self.python()
        let key = try Key()
        let plaintext = pattern(size, seed: UInt32(size) &+ 29)
        let encrypted = try run(python, [Self.reference, "encrypt", key.recipient], input: plaintext)
        try #require(encrypted.status == 0, "\(encrypted.stderr)")
        let decrypted = try actorkeys("decrypt", "-i", key.file, input: encrypted.stdout)
        #expect(decrypted.status == 0, "\(decrypted.stderr)")
        #expect(decrypted.stdout == plaintext)
        // A file for another post-quantum key is not opened, by either.
        let other = try Key()
        let refused = try actorkeys("decrypt", "-i", other.file, input: encrypted.stdout)
        #expect(refused.status == 1)
        #expect(refused.isOneErrorLine)
        #expect(try run(python, [Self.reference, "decrypt", other.file], input: encrypted.stdout).status == 1)
    }

    @Test("mixing post-quantum and classic recipients is refused, whichever way they are given")
    func refusesMixing() throws {
        let key = try Key()
        let classic = try actorkeys("keygen")
        let classicRecipient = classic.stderr.replacingOccurrences(of: "Public key: ", with: "")
            .trimmingCharacters(in: .newlines)
        let recipients = key.directory.file("recipients.txt")
        key.directory.write(Array((classicRecipient + "\n" + key.recipient + "\n").utf8), to: recipients)
        let output = key.directory.file("out.age")
        for arguments in [
            ["-r", key.recipient, "-r", classicRecipient], ["-r", classicRecipient, "-r", key.recipient],
            ["-R", recipients], ["-i", key.file, "-r", classicRecipient],
        ] {
            let mixed = try actorkeys(arguments: ["encrypt"] + arguments + ["-o", output], input: [1, 2, 3])
            #expect(mixed.status == 1)
            #expect(
                mixed.stderr
                    == "error: incompatible recipients: can't mix post-quantum and classic recipients, or the file would be vulnerable to quantum computers\n"
            )
            #expect(!key.directory.exists(output))
        }
        // Two post-quantum recipients are fine, and -i with a post-quantum identity file too.
        let other = try Key()
        let two = try actorkeys("encrypt", "-r", key.recipient, "-i", other.file, "-o", output, input: [4, 5])
        #expect(two.status == 0, "\(two.stderr)")
        #expect(try actorkeys("decrypt", "-i", other.file, output).stdout == [4, 5])
    }

    @Test("age(1) 1.1.1, which has no post-quantum support, finds no identity in such a file")
    func olderAge() throws {
        let key = try Key()
        let encrypted = try actorkeys("encrypt", "-r", key.recipient, "-o", "-", input: [1])
        let theirs = key.directory.file("theirs.txt")
        _ = try run(try ageKeygen(), ["-o", theirs])
        let opened = try run(try age(), ["-d", "-i", theirs], input: encrypted.stdout)
        #expect(opened.status != 0)
        #expect(opened.stderr.contains("no identity matched"))
    }

    @Test("a malformed post-quantum recipient or identity is one error line that does not repeat a key")
    func malformedKeys() throws {
        let key = try Key()
        let broken = String(key.recipient.dropLast()) + (key.recipient.hasSuffix("q") ? "p" : "q")
        let bad = try actorkeys("encrypt", "-r", broken, "-o", "-", input: [1])
        #expect(bad.status == 1)
        #expect(bad.isOneErrorLine)
        #expect(bad.stderr.contains("invalid checksum"))
        #expect(bad.stderr.count < 200)
        let secret = String(key.directory.contents(of: key.file).split(separator: "\n")[2])
        let lowercased = key.directory.file("lower.txt")
        key.directory.write(Array((secret.lowercased() + "\n").utf8), to: lowercased)
        let refused = try actorkeys("decrypt", "-i", lowercased, input: [1])
        #expect(refused.status == 1)
        #expect(refused.isOneErrorLine)
        #expect(!refused.stderr.contains(String(secret.lowercased().dropFirst(19).prefix(10))))
    }
}
