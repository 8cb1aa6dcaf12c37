#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// GeneratedKey describes a key that was just written: where its files are and its public half.
/// It carries no secret.
public struct GeneratedKey: Sendable, Hashable {
    public let owner: Owner
    public let name: KeyName
    /// The identity file (age-keygen format, mode 0600).
    public let identityPath: String
    /// The recipient file: the `age1…` string and a newline.
    public let recipientPath: String
    public let recipient: X25519Recipient

    public init(owner: Owner, name: KeyName, identityPath: String, recipientPath: String, recipient: X25519Recipient) {
        self.owner = owner
        self.name = name
        self.identityPath = identityPath
        self.recipientPath = recipientPath
        self.recipient = recipient
    }

    public var fingerprint: Fingerprint { recipient.fingerprint }
}

/// KeyStore is the on-disk home of identity files.
///
/// Layout under `directory` (all directories 0700, identity files 0600):
///
///     shared/<name>.key, shared/<name>.pub                  the shared workspace key versions
///     actors/<actor>/<name>.key, actors/<actor>/<name>.pub  one actor's key versions
///
/// Names and actor ids are slugs, so no path built here can leave `directory`.
public struct KeyStore: Sendable {
    public let directory: String

    public init(directory: String) {
        self.directory = directory
    }

    public func directory(for owner: Owner) -> String {
        switch owner {
        case .shared: FilePath.join(directory, "shared")
        case .actor(let id): FilePath.join(FilePath.join(directory, "actors"), id.rawValue)
        }
    }

    public func identityPath(for owner: Owner, name: KeyName) -> String {
        FilePath.join(directory(for: owner), name.rawValue + ".key")
    }

    public func recipientPath(for owner: Owner, name: KeyName) -> String {
        FilePath.join(directory(for: owner), name.rawValue + ".pub")
    }

    /// The key-generation primitive with untrusted strings: validates `name` and `actor`
    /// (`.invalidName`, `.invalidActor`) before touching the disk. `actor: nil` is the shared key.
    public static func generate(
        keysDirectory: String, name: String, actor: String?, force: ExistingFile = .refuse
    ) throws(ActorKeysError) -> GeneratedKey {
        let keyName = try KeyName(name)
        let owner: Owner = try actor.map { id throws(ActorKeysError) in .actor(try ActorID(id)) } ?? .shared
        return try KeyStore(directory: keysDirectory).generate(name: keyName, owner: owner, force: force)
    }

    /// Generates a new identity for `owner` and writes it as `name`.
    ///
    /// Without `force: .replace` an existing key is a `.conflict`, checked atomically. With it, the
    /// old files are replaced atomically. The key named `primary` is created once and never
    /// replaced, whatever `force` says. On any failure nothing new is left on disk.
    public func generate(
        name: KeyName, owner: Owner, force: ExistingFile = .refuse
    ) throws(ActorKeysError) -> GeneratedKey {
        let identityPath = identityPath(for: owner, name: name)
        let recipientPath = recipientPath(for: owner, name: name)
        let policy: ExistingFile = name == .primary ? .refuse : force
        if policy == .refuse, FilePath.exists(identityPath) {
            throw conflict(name: name, owner: owner, path: identityPath, forced: force == .replace)
        }
        try FilePath.makeDirectories(directory(for: owner))

        let identity = X25519Identity.generate()
        let identityWriter = try AtomicFileWriter(destination: identityPath, mode: 0o600)
        try IdentityFile.format(identity).withUnsafeBytes { bytes throws(ActorKeysError) in
            try identityWriter.write(bytes)
        }
        let recipientWriter = try AtomicFileWriter(destination: recipientPath, mode: 0o644)
        try recipientWriter.write(Array((identity.recipient.encoded + "\n").utf8))

        do {
            try identityWriter.commit(policy)
        } catch  where error.code == .conflict {
            throw conflict(name: name, owner: owner, path: identityPath, forced: force == .replace)
        }
        do {
            try recipientWriter.commit(.replace)
        } catch {
            // The identity is the commit point; a new one without its .pub is withdrawn so the
            // call fails whole. (A forced replacement cannot be undone, and its .pub is derivable.)
            if policy == .refuse { unlink(identityPath) }
            throw error
        }
        return GeneratedKey(
            owner: owner, name: name, identityPath: identityPath, recipientPath: recipientPath,
            recipient: identity.recipient)
    }

    /// Loads the identity stored as `name` for `owner`.
    public func loadIdentity(owner: Owner, name: KeyName) throws(ActorKeysError) -> X25519Identity {
        try loadIdentity(owner: owner, name: name, knownRecipient: nil)
    }

    /// Loads a version's identity whose recipient is known from the key store's records,
    /// without deriving it (see `X25519Identity.init(secretKey:knownRecipient:)`): the
    /// file-based registry's cold path, which only unwrapped with it (the benchmarks' A/B
    /// baseline for sealed identities, and the one-time upgrade of such a workspace).
    public func loadIdentity(
        owner: Owner, name: KeyName, knownRecipient: X25519Recipient?
    ) throws(ActorKeysError) -> X25519Identity {
        let path = identityPath(for: owner, name: name)
        let identities =
            if let knownRecipient {
                try IdentityFile.read(path: path, knownRecipient: knownRecipient)
            } else {
                try IdentityFile.readX25519(path: path)
            }
        guard identities.count == 1 else {
            throw ActorKeysError(
                .malformedIdentity, "\(path): expected exactly one identity, found \(identities.count)")
        }
        return identities[0]
    }

    /// Erases a version's files: the identity is overwritten with zeros and synced before it is
    /// unlinked (best effort: file systems may keep old blocks), then the recipient file goes.
    /// A file already gone is not an error.
    public func erase(owner: Owner, name: KeyName) throws(ActorKeysError) {
        try FilePath.eraseFile(identityPath(for: owner, name: name))
        try FilePath.eraseFile(recipientPath(for: owner, name: name))
        FilePath.syncDirectory(directory(for: owner))
    }

    /// Erases every file of an actor's folder, then the folder.
    public func eraseAll(of actor: ActorID) throws(ActorKeysError) {
        let folder = directory(for: .actor(actor))
        guard let entries = FilePath.entries(of: folder) else { return }
        for entry in entries { try FilePath.eraseFile(FilePath.join(folder, entry)) }
        rmdir(folder)
        FilePath.syncDirectory(FilePath.join(directory, "actors"))
    }

    private func conflict(name: KeyName, owner: Owner, path: String, forced: Bool) -> ActorKeysError {
        if name == .primary {
            return ActorKeysError(
                .conflict,
                "key \"primary\" of the \(owner == .shared ? "shared key" : owner.description) already exists at \(path): it is created once and never replaced, not even with force"
            )
        }
        return ActorKeysError(
            .conflict,
            "key \"\(name)\" of the \(owner == .shared ? "shared key" : owner.description) already exists at \(path); use force to replace it"
        )
    }
}
