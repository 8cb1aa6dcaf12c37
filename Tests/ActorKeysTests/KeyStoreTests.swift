import Foundation
import TestSupport
import Testing

@testable import ActorKeys

@Suite("key store: generate, modes, conflicts, primary")
struct KeyStoreTests {
    @Test("generate writes an age-keygen file 0600 in 0700 folders, and a matching recipient file")
    func generateWritesFiles() throws {
        let home = TemporaryDirectory()
        let keys = home.path + "/keys"
        let key = try KeyStore.generate(keysDirectory: keys, name: "v1", actor: "alice")
        #expect(key.identityPath == keys + "/actors/alice/v1.key")
        #expect(key.recipientPath == keys + "/actors/alice/v1.pub")
        #expect(home.mode(of: key.identityPath) == 0o600)
        #expect(home.mode(of: keys) == 0o700)
        #expect(home.mode(of: keys + "/actors") == 0o700)
        #expect(home.mode(of: keys + "/actors/alice") == 0o700)
        #expect(home.contents(of: key.recipientPath) == key.recipient.encoded + "\n")

        let lines = home.contents(of: key.identityPath).split(separator: "\n").map(String.init)
        #expect(lines.count == 3)
        #expect(lines[0].hasPrefix("# created: 20") && lines[0].hasSuffix("Z"))
        #expect(lines[1] == "# public key: " + key.recipient.encoded)
        #expect(lines[2].hasPrefix("AGE-SECRET-KEY-1"))
        let loaded = try KeyStore(directory: keys).loadIdentity(
            owner: .actor(try ActorID("alice")), name: try KeyName("v1"))
        #expect(loaded.recipient == key.recipient)
        #expect(key.fingerprint == key.recipient.fingerprint)
        // Nothing but the two files: no temporary file is left behind.
        #expect(Set(home.entries(in: keys + "/actors/alice")) == ["v1.key", "v1.pub"])
    }

    @Test("the shared key lives under shared/")
    func sharedKey() throws {
        let home = TemporaryDirectory()
        let key = try KeyStore.generate(keysDirectory: home.path, name: "primary", actor: nil)
        #expect(key.identityPath == home.path + "/shared/primary.key")
        #expect(key.owner == .shared)
    }

    @Test("files are 0600 even under a permissive umask")
    func permissiveUmask() throws {
        let home = TemporaryDirectory()
        let previous = umask(0)
        defer { umask(previous) }
        let key = try KeyStore.generate(keysDirectory: home.path, name: "v1", actor: "bob")
        #expect(home.mode(of: key.identityPath) == 0o600)
        #expect(home.mode(of: home.path + "/actors/bob") == 0o700)
    }

    @Test("an existing name is a conflict without force, and the old key is untouched")
    func conflict() throws {
        let home = TemporaryDirectory()
        let first = try KeyStore.generate(keysDirectory: home.path, name: "v1", actor: "alice")
        let before = home.contents(of: first.identityPath)
        let error = #expect(throws: ActorKeysError.self) {
            try KeyStore.generate(keysDirectory: home.path, name: "v1", actor: "alice")
        }
        #expect(error?.code == .conflict)
        #expect(error?.message.contains(first.identityPath) == true)
        #expect(home.contents(of: first.identityPath) == before)
        #expect(Set(home.entries(in: home.path + "/actors/alice")) == ["v1.key", "v1.pub"])
    }

    @Test("force replaces a key atomically: new secret, same path, still 0600, no stray files")
    func forceReplaces() throws {
        let home = TemporaryDirectory()
        let first = try KeyStore.generate(keysDirectory: home.path, name: "v1", actor: nil)
        let inode = try FileManager.default.attributesOfItem(atPath: first.identityPath)[.systemFileNumber] as! NSNumber
        let second = try KeyStore.generate(keysDirectory: home.path, name: "v1", actor: nil, force: .replace)
        #expect(second.identityPath == first.identityPath)
        #expect(second.recipient != first.recipient)
        #expect(home.contents(of: second.recipientPath) == second.recipient.encoded + "\n")
        #expect(home.mode(of: second.identityPath) == 0o600)
        // A rename, not a rewrite in place: a reader holding the old file never sees a mix.
        let newInode =
            try FileManager.default.attributesOfItem(atPath: second.identityPath)[.systemFileNumber] as! NSNumber
        #expect(newInode != inode)
        #expect(Set(home.entries(in: home.path + "/shared")) == ["v1.key", "v1.pub"])
    }

    @Test("primary is created once and never replaced, not even with force")
    func primaryIsProtected() throws {
        let home = TemporaryDirectory()
        let primary = try KeyStore.generate(keysDirectory: home.path, name: "primary", actor: nil)
        let before = home.contents(of: primary.identityPath)
        for force in [ExistingFile.refuse, .replace] {
            let error = #expect(throws: ActorKeysError.self) {
                try KeyStore.generate(keysDirectory: home.path, name: "primary", actor: nil, force: force)
            }
            #expect(error?.code == .conflict)
            #expect(error?.message.contains("never replaced") == true)
        }
        #expect(home.contents(of: primary.identityPath) == before)
    }

    @Test("invalid names and actors are refused before anything is written")
    func invalidNames() throws {
        let home = TemporaryDirectory()
        for name in ["../escape", "a/b", "", "Primary", ".key"] {
            let error = #expect(throws: ActorKeysError.self) {
                try KeyStore.generate(keysDirectory: home.path, name: name, actor: nil)
            }
            #expect(error?.code == .invalidName)
        }
        for actor in ["../../etc", "a/b", "", "Alice"] {
            let error = #expect(throws: ActorKeysError.self) {
                try KeyStore.generate(keysDirectory: home.path, name: "v1", actor: actor)
            }
            #expect(error?.code == .invalidActor)
        }
        #expect(home.entries(in: home.path).isEmpty)
    }

    @Test("a write failure is typed and leaves nothing behind")
    func writeFailure() throws {
        let home = TemporaryDirectory()
        // A file where the actors folder should be.
        _ = FileManager.default.createFile(atPath: home.path + "/actors", contents: Data("x".utf8))
        let error = #expect(throws: ActorKeysError.self) {
            try KeyStore.generate(keysDirectory: home.path, name: "v1", actor: "alice")
        }
        #expect(error?.code == .writeFailed)
        // A read-only key folder.
        let readOnly = home.path + "/ro"
        try FileManager.default.createDirectory(atPath: readOnly + "/shared", withIntermediateDirectories: true)
        chmod(readOnly + "/shared", 0o500)
        defer { chmod(readOnly + "/shared", 0o700) }
        if geteuid() != 0 {
            let denied = #expect(throws: ActorKeysError.self) {
                try KeyStore.generate(keysDirectory: readOnly, name: "v1", actor: nil)
            }
            #expect(denied?.code == .writeFailed)
            #expect(home.entries(in: readOnly + "/shared").isEmpty)
        }
    }

    @Test("replacing never renames over something that is not a regular file")
    func replaceOnlyRegularFiles() throws {
        let home = TemporaryDirectory()
        let fifo = home.file("fifo")
        #expect(mkfifo(fifo, 0o600) == 0)
        let target = home.file("target")
        home.write([1], to: target)
        let link = home.file("link")
        #expect(symlink(target, link) == 0)
        for destination in [fifo, link, home.path] {
            let writer = try AtomicFileWriter(destination: destination, mode: 0o600)
            try writer.write([9, 9])
            let error = #expect(throws: ActorKeysError.self) { try writer.commit(.replace) }
            #expect(error?.message.contains("not a regular file") == true)
            writer.discard()
        }
        var status = stat()
        #expect(lstat(fifo, &status) == 0 && (status.st_mode & S_IFMT) == S_IFIFO)
        #expect(lstat(link, &status) == 0 && (status.st_mode & S_IFMT) == S_IFLNK)
        #expect(home.bytes(of: target) == [1])
        #expect(Set(home.entries()) == ["fifo", "target", "link"])
    }

    @Test("concurrent generation of the same name: exactly one wins, the rest conflict")
    func concurrentGenerate() async throws {
        let home = TemporaryDirectory()
        let path = home.path
        let outcomes = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<8 {
                group.addTask { (try? KeyStore.generate(keysDirectory: path, name: "race", actor: "alice")) != nil }
            }
            return await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(outcomes.filter { $0 }.count == 1)
        let key = try KeyStore(directory: path).loadIdentity(
            owner: .actor(try ActorID("alice")), name: try KeyName("race"))
        #expect(home.contents(of: path + "/actors/alice/race.pub") == key.recipient.encoded + "\n")
        #expect(Set(home.entries(in: path + "/actors/alice")) == ["race.key", "race.pub"])
    }
}

@Suite("identity and recipients files")
struct IdentityFileTests {
    @Test("comments, blank lines, CRLF and several identities, as age reads them")
    func parsesLikeAge() throws {
        let a = X25519Identity.generate()
        let b = X25519Identity.generate()
        let text = "# created: now\r\n\r\n" + secretLine(a) + "\r\n# another\n\n" + secretLine(b) + "\n"
        let identities = try Array(text.utf8).withUnsafeBytes { try IdentityFile.parse($0) }
        #expect(identities.map(\.recipient) == [.x25519(a.recipient), .x25519(b.recipient)])
    }

    @Test("a bad line is reported by number without its content; an empty file has no keys")
    func reportsErrors() {
        let identity = X25519Identity.generate()
        let secret = secretLine(identity)
        let broken = "# ok\n" + secret + "\n" + String(secret.dropLast()) + "\n"
        let error = #expect(throws: ActorKeysError.self) {
            try Array(broken.utf8).withUnsafeBytes { try IdentityFile.parse($0) }
        }
        #expect(error?.message.hasPrefix("error at line 3: ") == true)
        #expect(error?.message.contains(String(secret.dropFirst(20).prefix(10))) == false)
        for text in ["", "# only a comment\n", "\n\n"] {
            let empty = #expect(throws: ActorKeysError.self) {
                try Array(text.utf8).withUnsafeBytes { try IdentityFile.parse($0) }
            }
            #expect(empty?.message == "no secret keys found")
        }
        let indented = #expect(throws: ActorKeysError.self) {
            try Array((" " + secret).utf8).withUnsafeBytes { try IdentityFile.parse($0) }
        }
        #expect(indented?.code == .malformedIdentity)
    }

    @Test("recipients files: comments, blank lines, CRLF; errors name the line")
    func recipientsFile() throws {
        let a = X25519Identity.generate().recipient
        let b = X25519Identity.generate().recipient
        #expect(try RecipientsFile.parse("# team\r\n" + a.encoded + "\r\n\n" + b.encoded) == [.x25519(a), .x25519(b)])
        let error = #expect(throws: ActorKeysError.self) { try RecipientsFile.parse(a.encoded + "\nage1nope\n") }
        #expect(error?.message.hasPrefix("error at line 2:") == true)
        #expect(throws: ActorKeysError.self) { try RecipientsFile.parse("# nothing\n") }
    }

    @Test("a missing file is not found; an oversized one is refused")
    func fileErrors() throws {
        let home = TemporaryDirectory()
        let missing = #expect(throws: ActorKeysError.self) { try IdentityFile.read(path: home.path + "/nope") }
        #expect(missing?.code == .notFound)
        let big = home.path + "/big"
        _ = FileManager.default.createFile(atPath: big, contents: Data(count: IdentityFile.sizeLimit + 1))
        let tooBig = #expect(throws: ActorKeysError.self) { try IdentityFile.read(path: big) }
        #expect(tooBig?.code == .readFailed)
    }

    func secretLine(_ identity: X25519Identity) -> String {
        identity.encodedSecretKey().withUnsafeBytes { String(decoding: $0, as: UTF8.self) }
    }
}
