#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// IdentityFile reads and writes identity files the way age(1) and age-keygen do.
///
/// A file holds one identity per line; blank lines and lines starting with `#` are skipped, a
/// trailing `\r` is dropped, and a file without any identity is an error. Contents are read into
/// zeroing storage and parsed without copying them into Strings.
public enum IdentityFile {
    /// age(1) refuses identity files larger than 16 MiB; so do we.
    public static let sizeLimit = 1 << 24

    /// Parses identity file contents: X25519 and MLKEM768-X25519 identities, in file order.
    /// Errors name the line, never its text.
    public static func parse(_ contents: UnsafeRawBufferPointer) throws(ActorKeysError) -> [AgeIdentity] {
        try parse(contents) { line throws(ActorKeysError) in try AgeIdentity(parsing: line) }
    }

    /// Parses contents with `make` for each identity line.
    static func parse<Key>(
        _ contents: UnsafeRawBufferPointer, _ make: (UnsafeRawBufferPointer) throws(ActorKeysError) -> Key
    ) throws(ActorKeysError) -> [Key] {
        var identities = [Key]()
        var lineNumber = 0
        for var line in contents.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNumber += 1
            if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
            if line.isEmpty || line.first == UInt8(ascii: "#") { continue }
            do {
                identities.append(try make(UnsafeRawBufferPointer(rebasing: line)))
            } catch {
                throw ActorKeysError(.malformedIdentity, "error at line \(lineNumber): \(error.message)")
            }
        }
        guard !identities.isEmpty else {
            throw ActorKeysError(.malformedIdentity, "no secret keys found")
        }
        return identities
    }

    /// Reads and parses the identity file at `path`.
    public static func read(path: String) throws(ActorKeysError) -> [AgeIdentity] {
        try read(path: path) { line throws(ActorKeysError) in try AgeIdentity(parsing: line) }
    }

    /// Reads the key store's identity file at `path`, which holds X25519 identities only.
    package static func readX25519(path: String) throws(ActorKeysError) -> [X25519Identity] {
        try read(path: path) { line throws(ActorKeysError) in try X25519Identity(parsing: line) }
    }

    /// Reads the identity file at `path` whose one identity's recipient is known (see
    /// `X25519Identity.init(secretKey:knownRecipient:)`).
    package static func read(path: String, knownRecipient: X25519Recipient) throws(ActorKeysError) -> [X25519Identity] {
        try read(path: path) { line throws(ActorKeysError) in
            try X25519Identity(parsing: line, knownRecipient: knownRecipient)
        }
    }

    private static func read<Key>(
        path: String, _ make: (UnsafeRawBufferPointer) throws(ActorKeysError) -> Key
    ) throws(ActorKeysError) -> [Key] {
        let contents = try FilePath.readSecret(path, limit: sizeLimit)
        do {
            return try contents.withUnsafeBytes { bytes throws(ActorKeysError) in try parse(bytes, make) }
        } catch {
            throw ActorKeysError(error.code, "\(path): \(error.message)")
        }
    }

    /// The age-keygen layout: creation time, public key, then the secret key, each on a line.
    public static func format(_ identity: X25519Identity, created: Timestamp = .now()) -> SecretBytes {
        format(.x25519(identity), created: created)
    }

    /// The age-keygen layout for an identity of either type (age-keygen -pq writes the same
    /// three lines).
    public static func format(_ identity: AgeIdentity, created: Timestamp = .now()) -> SecretBytes {
        let head = Array("# created: \(created.rfc3339)\n# public key: \(identity.recipient.encoded)\n".utf8)
        let secret = identity.encodedSecretKey()
        return SecretBytes(count: head.count + secret.count + 1) { output in
            head.withUnsafeBytes { output.copyMemory(from: $0) }
            secret.withUnsafeBytes {
                UnsafeMutableRawBufferPointer(rebasing: output[head.count...]).copyMemory(from: $0)
            }
            output[output.count - 1] = UInt8(ascii: "\n")
        }
    }
}

/// RecipientsFile reads recipients files (`-R`): one `age1…` or `age1pq1…` per line, blank lines
/// and `#` comments skipped, as age(1) reads them.
public enum RecipientsFile {
    public static let sizeLimit = 1 << 24

    /// Parses recipients file contents. Works on bytes: a String would treat CRLF as one
    /// character and keep the CR.
    public static func parse(_ contents: UnsafeRawBufferPointer) throws(ActorKeysError) -> [AgeRecipient] {
        var recipients = [AgeRecipient]()
        var lineNumber = 0
        for var line in contents.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNumber += 1
            if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
            if line.isEmpty || line.first == UInt8(ascii: "#") { continue }
            do {
                recipients.append(try AgeRecipient(parsing: String(decoding: line, as: UTF8.self)))
            } catch {
                throw ActorKeysError(.malformedRecipient, "error at line \(lineNumber): \(error.message)")
            }
        }
        guard !recipients.isEmpty else {
            throw ActorKeysError(.malformedRecipient, "no recipients found")
        }
        return recipients
    }

    public static func parse(_ text: String) throws(ActorKeysError) -> [AgeRecipient] {
        try text.withUTF8Buffer { bytes throws(ActorKeysError) in try parse(bytes) }
    }

    public static func read(path: String) throws(ActorKeysError) -> [AgeRecipient] {
        let contents = try FilePath.readSecret(path, limit: sizeLimit)
        do {
            return try contents.withUnsafeBytes { bytes throws(ActorKeysError) in try parse(bytes) }
        } catch {
            throw ActorKeysError(error.code, "\(path): \(error.message)")
        }
    }
}
