import ActorKeys
import Foundation
import TestSupport
import Testing

/// Interoperability with age(1) 1.1, both ways, for the sizes where STREAM has edges.
@Suite("interop with age(1)")
struct InteropTests {
    static let sizes = [0, 1, 65_536, 65_537, 5 * 1024 * 1024 + 3]

    struct Keys {
        let directory = TemporaryDirectory()
        var files: [String] = []
        var recipients: [String] = []

        /// One key made by age-keygen and two by actorkeys.
        init() throws {
            let theirs = directory.file("age-key.txt")
            let generated = try run(try ageKeygen(), ["-o", theirs])
            guard generated.status == 0 else {
                throw MissingTool(description: "age-keygen failed: \(generated.stderr)")
            }
            files.append(theirs)
            for index in 0..<2 {
                let ours = directory.file("ours-\(index).txt")
                #expect(try actorkeys("keygen", "-o", ours).status == 0)
                files.append(ours)
            }
            for file in files {
                recipients.append(try run(try ageKeygen(), ["-y", file]).stdoutText.trimmingCharacters(in: .newlines))
            }
        }
    }

    @Test("actorkeys encrypts, age decrypts", arguments: sizes, [false, true])
    func oursToAge(size: Int, armor: Bool) throws {
        let keys = try Keys()
        let plaintext = pattern(size, seed: UInt32(size))
        for recipients in [[keys.recipients[0]], keys.recipients] {
            var arguments = ["encrypt"] + recipients.flatMap { ["-r", $0] }
            if armor { arguments.append("-a") }
            let encrypted = try actorkeys(arguments: arguments, input: plaintext)
            try #require(encrypted.status == 0, "\(encrypted.stderr)")
            if armor { #expect(encrypted.stdoutText.hasPrefix("-----BEGIN AGE ENCRYPTED FILE-----\n")) }
            let file = keys.directory.file("c.age")
            keys.directory.write(encrypted.stdout, to: file)
            // Every recipient's own key opens it, whichever tool made the key.
            for index in recipients.indices {
                let decrypted = try run(try age(), ["-d", "-i", keys.files[index], file])
                #expect(decrypted.status == 0, "\(decrypted.stderr)")
                #expect(decrypted.stdout == plaintext)
            }
        }
    }

    @Test("age encrypts, actorkeys decrypts", arguments: sizes, [false, true])
    func ageToOurs(size: Int, armor: Bool) throws {
        let keys = try Keys()
        let plaintext = pattern(size, seed: UInt32(size) + 7)
        let input = keys.directory.file("plain")
        keys.directory.write(plaintext, to: input)
        let file = keys.directory.file("c.age")
        var arguments = keys.recipients.flatMap { ["-r", $0] } + ["-o", file]
        if armor { arguments.append("-a") }
        let encrypted = try run(try age(), arguments + [input])
        try #require(encrypted.status == 0, "\(encrypted.stderr)")
        for key in keys.files {
            let decrypted = try actorkeys("decrypt", "-i", key, file)
            #expect(decrypted.status == 0, "\(decrypted.stderr)")
            #expect(decrypted.stdout == plaintext)
        }
        // Several -i flags: the matching one is found.
        let unrelated = keys.directory.file("unrelated.txt")
        _ = try actorkeys("keygen", "-o", unrelated)
        let several = try actorkeys(
            "decrypt", "-i", unrelated, "-i", keys.files[2], "-o", keys.directory.file("out"), file)
        #expect(several.status == 0)
        #expect(keys.directory.bytes(of: keys.directory.file("out")) == plaintext)
    }

    @Test("-R recipients files and -i for encryption, as age reads them")
    func recipientFiles() throws {
        let keys = try Keys()
        let list = keys.directory.file("team.txt")
        keys.directory.write(
            Array(("# team\r\n" + keys.recipients[0] + "\r\n\n" + keys.recipients[1] + "\n").utf8), to: list)
        let encrypted = try actorkeys("encrypt", "-R", list, "-i", keys.files[2], input: [1, 2, 3])
        try #require(encrypted.status == 0, "\(encrypted.stderr)")
        let file = keys.directory.file("c.age")
        keys.directory.write(encrypted.stdout, to: file)
        for key in keys.files {
            #expect(try run(try age(), ["-d", "-i", key, file]).stdout == [1, 2, 3])
        }
    }

    @Test("20,000 recipients: actorkeys opens what it and age make, and age opens what actorkeys makes")
    func manyRecipients() throws {
        let directory = TemporaryDirectory()
        let identities = (0..<20_000).map { _ in X25519Identity.generate() }
        let list = directory.file("many.txt")
        directory.write(Array(identities.map(\.recipient.encoded).joined(separator: "\n").utf8), to: list)
        let last = directory.file("last.txt")
        directory.write(identities[19_999].encodedSecretKey().withUnsafeBytes { Array($0) } + [10], to: last)
        let payload = pattern(70_000)

        let ours = directory.file("ours.age")
        let encrypted = try actorkeys("encrypt", "-R", list, "-o", ours, input: payload)
        try #require(encrypted.status == 0, "\(encrypted.stderr)")
        #expect(try actorkeys("decrypt", "-i", last, ours).stdout == payload)
        #expect(try run(try age(), ["-d", "-i", last, ours]).stdout == payload)

        let theirs = directory.file("theirs.age")
        #expect(try run(try age(), ["-R", list, "-o", theirs], input: payload).status == 0)
        let opened = try actorkeys("decrypt", "-i", last, theirs)
        #expect(opened.status == 0 && opened.stdout == payload, "\(opened.stderr)")
    }

    @Test("passphrases: actorkeys -p opens with age, age -p opens with actorkeys")
    func passphrases() throws {
        let directory = TemporaryDirectory()
        let plain = directory.file("plain")
        directory.write(pattern(70_000), to: plain)
        let ak = Tools.actorkeys
        let ours = try inTerminal(
            "\(ak) encrypt -p -o ours.age plain", typed: "hunter2\nhunter2\n", directory: directory.path)
        try #require(ours.status == 0, "\(ours.stdoutText)")
        let opened = try inTerminal(
            "\(try age()) -d -o ours.out ours.age", typed: "hunter2\n", directory: directory.path)
        #expect(opened.status == 0)
        #expect(directory.bytes(of: directory.file("ours.out")) == pattern(70_000))

        let theirs = try inTerminal(
            "\(try age()) -p -a -o theirs.age plain", typed: "hunter2\nhunter2\n", directory: directory.path)
        try #require(theirs.status == 0)
        let decrypted = try inTerminal(
            "\(ak) decrypt -o theirs.out theirs.age", typed: "hunter2\n", directory: directory.path)
        #expect(decrypted.status == 0)
        #expect(directory.bytes(of: directory.file("theirs.out")) == pattern(70_000))

        let wrong = try inTerminal(
            "\(ak) decrypt -o wrong.out theirs.age", typed: "hunter3\n", directory: directory.path)
        #expect(wrong.status == 1)
        #expect(wrong.stdoutText.contains("error: incorrect passphrase"))
        #expect(!directory.exists(directory.file("wrong.out")))
    }

    @Test("keys made by actorkeys keygen are read by age-keygen -y, and the other way round")
    func keygenInterop() throws {
        let directory = TemporaryDirectory()
        let ours = try actorkeys("keygen")
        try #require(ours.status == 0)
        #expect(ours.stderr.hasPrefix("Public key: age1"))
        let converted = try run(try ageKeygen(), ["-y"], input: ours.stdout)
        #expect("Public key: " + converted.stdoutText == ours.stderr)

        let theirs = directory.file("theirs.txt")
        _ = try run(try ageKeygen(), ["-o", theirs])
        let fromAge = try run(try ageKeygen(), ["-y", theirs]).stdoutText
        #expect(try actorkeys("keygen", "-y", theirs).stdoutText == fromAge)
        #expect(try actorkeys("keygen", "-y", input: directory.bytes(of: theirs)!).stdoutText == fromAge)
    }
}
