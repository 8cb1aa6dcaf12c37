import Foundation
import TestSupport
import Testing

/// `actorkeys rekey` against age(1): files age makes are rekeyed, and age opens the result with
/// the new key only; the payload section is the original's, byte for byte.
@Suite("rekey with age(1)")
struct RekeyCommandTests {
    /// A key made by age-keygen, and its recipient.
    struct AgeKey {
        let file: String
        let recipient: String

        init(_ directory: TemporaryDirectory, _ name: String) throws {
            file = directory.file(name)
            _ = try run(try ageKeygen(), ["-o", file])
            recipient = try run(try ageKeygen(), ["-y", file]).stdoutText.trimmingCharacters(in: .newlines)
        }
    }

    /// Everything after the header's MAC line of a binary age file.
    static func payload(of file: [UInt8]) -> ArraySlice<UInt8> {
        let end = file.firstRange(of: Array("\n--- ".utf8))!.upperBound + 44
        return file[end...]
    }

    @Test(
        "age encrypts, actorkeys rekeys, age opens with the new key and not the old", arguments: [0, 65_536, 5_242_883])
    func withAge(size: Int) throws {
        let directory = TemporaryDirectory()
        let old = try AgeKey(directory, "old.txt")
        let new = try AgeKey(directory, "new.txt")
        let plaintext = pattern(size, seed: UInt32(size) &+ 3)
        let original = directory.file("original.age")
        _ = try run(try age(), ["-r", old.recipient, "-o", original], input: plaintext)
        let rekeyed = directory.file("rekeyed.age")
        let result = try actorkeys("rekey", "-i", old.file, "-r", new.recipient, "-o", rekeyed, original)
        try #require(result.status == 0, "\(result.stderr)")
        #expect(Self.payload(of: directory.bytes(of: rekeyed)!) == Self.payload(of: directory.bytes(of: original)!))
        #expect(try run(try age(), ["-d", "-i", new.file, rekeyed]).stdout == plaintext)
        let removed = try run(try age(), ["-d", "-i", old.file, rekeyed])
        #expect(removed.status != 0)
        #expect(removed.stderr.contains("no identity matched"))
    }

    @Test("armored in, armored out; standard input and output; -R files; several recipients")
    func armoredAndStreams() throws {
        let directory = TemporaryDirectory()
        let old = try AgeKey(directory, "old.txt")
        let first = try AgeKey(directory, "first.txt")
        let second = try AgeKey(directory, "second.txt")
        let list = directory.file("recipients.txt")
        directory.write(Array("# team\n\(first.recipient)\n\(second.recipient)\n".utf8), to: list)
        let armored = try run(try age(), ["-a", "-r", old.recipient], input: pattern(100_000))
        let rekeyed = try actorkeys("rekey", "-i", old.file, "-R", list, "-o", "-", input: armored.stdout)
        try #require(rekeyed.status == 0, "\(rekeyed.stderr)")
        #expect(rekeyed.stdoutText.hasPrefix("-----BEGIN AGE ENCRYPTED FILE-----\n"))
        for key in [first, second] {
            #expect(try run(try age(), ["-d", "-i", key.file], input: rekeyed.stdout).stdout == pattern(100_000))
        }
    }

    @Test("to a post-quantum recipient: the independent implementation opens the result")
    func toPostQuantum() throws {
        let python = try PostQuantumTests.python()
        let directory = TemporaryDirectory()
        let old = try AgeKey(directory, "old.txt")
        let pq = try PostQuantumTests.Key()
        let original = try run(try age(), ["-r", old.recipient], input: pattern(70_000))
        let rekeyed = try actorkeys("rekey", "-i", old.file, "-r", pq.recipient, "-o", "-", input: original.stdout)
        try #require(rekeyed.status == 0, "\(rekeyed.stderr)")
        #expect(Self.payload(of: rekeyed.stdout) == Self.payload(of: original.stdout))
        let opened = try run(python, [PostQuantumTests.reference, "decrypt", pq.file], input: rekeyed.stdout)
        #expect(opened.status == 0, "\(opened.stderr)")
        #expect(opened.stdout == pattern(70_000))
        // And back from post-quantum to age's key, which age opens.
        let back = try actorkeys("rekey", "-i", pq.file, "-r", old.recipient, "-o", "-", input: rekeyed.stdout)
        #expect(try run(try age(), ["-d", "-i", old.file], input: back.stdout).stdout == pattern(70_000))
        let mixed = try actorkeys(
            "rekey", "-i", old.file, "-r", old.recipient, "-r", pq.recipient, "-o", "-", input: original.stdout)
        #expect(mixed.status == 1)
        #expect(mixed.stderr.contains("can't mix post-quantum and classic recipients"))
    }

    @Test("a wrong key, a damaged file or missing flags change nothing and say why")
    func failures() throws {
        let directory = TemporaryDirectory()
        let old = try AgeKey(directory, "old.txt")
        let other = try AgeKey(directory, "other.txt")
        let original = directory.file("original.age")
        _ = try run(try age(), ["-r", old.recipient, "-o", original], input: pattern(300_000))
        let output = directory.file("out.age")
        let wrong = try actorkeys("rekey", "-i", other.file, "-r", other.recipient, "-o", output, original)
        #expect(wrong.status == 1)
        #expect(wrong.isOneErrorLine)
        #expect(!directory.exists(output))
        var damaged = directory.bytes(of: original)!
        damaged[damaged.count - 1000] ^= 1
        let broken = try actorkeys("rekey", "-i", old.file, "-r", other.recipient, "-o", output, input: damaged)
        #expect(broken.status == 1)
        #expect(broken.stderr.contains("payload"))
        #expect(!directory.exists(output))
        #expect(try actorkeys("rekey", "-r", other.recipient, "-o", output, original).status == 2)
        #expect(try actorkeys("rekey", "-i", old.file, "-o", output, original).status == 2)
        // A passphrase file cannot be rekeyed with an identity: said so, not "incorrect passphrase".
        directory.write([1, 2, 3], to: directory.file("plain"))
        let passphrase = try inTerminal(
            "\(Tools.actorkeys) encrypt -p -o secret.age plain", typed: "correct horse\ncorrect horse\n",
            directory: directory.path)
        try #require(passphrase.status == 0, "\(passphrase.stderr)")
        let passphraseFile = try actorkeys(
            "rekey", "-i", old.file, "-r", other.recipient, "-o", output, directory.file("secret.age"))
        #expect(passphraseFile.status == 1)
        #expect(passphraseFile.isOneErrorLine)
        #expect(passphraseFile.stderr.contains("passphrase-encrypted"))
        #expect(!directory.exists(output))
    }
}
