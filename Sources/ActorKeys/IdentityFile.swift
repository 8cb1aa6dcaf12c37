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

    /// Parses identity file contents. Errors name the line, never its text.
    public static func parse(_ contents: UnsafeRawBufferPointer) throws(ActorKeysError) -> [X25519Identity] {
        try parse(contents) { line throws(ActorKeysError) in try X25519Identity(parsing: line) }
    }

    /// Parses contents with `make` for each identity line.
    static func parse(
        _ contents: UnsafeRawBufferPointer, _ make: (UnsafeRawBufferPointer) throws(ActorKeysError) -> X25519Identity
    ) throws(ActorKeysError) -> [X25519Identity] {
        var identities = [X25519Identity]()
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
    public static func read(path: String) throws(ActorKeysError) -> [X25519Identity] {
        try read(path: path) { line throws(ActorKeysError) in try X25519Identity(parsing: line) }
    }

    /// Reads the identity file at `path` whose one identity's recipient is known (see
    /// `X25519Identity.init(secretKey:knownRecipient:)`).
    package static func read(path: String, knownRecipient: X25519Recipient) throws(ActorKeysError) -> [X25519Identity] {
        try read(path: path) { line throws(ActorKeysError) in
            try X25519Identity(parsing: line, knownRecipient: knownRecipient)
        }
    }

    private static func read(
        path: String, _ make: (UnsafeRawBufferPointer) throws(ActorKeysError) -> X25519Identity
    ) throws(ActorKeysError) -> [X25519Identity] {
        let contents = try FilePath.readSecret(path, limit: sizeLimit)
        do {
            return try contents.withUnsafeBytes { bytes throws(ActorKeysError) in try parse(bytes, make) }
        } catch {
            throw ActorKeysError(error.code, "\(path): \(error.message)")
        }
    }

    /// The age-keygen layout: creation time, public key, then the secret key, each on a line.
    public static func format(_ identity: X25519Identity, created: Timestamp = .now()) -> SecretBytes {
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

/// RecipientsFile reads recipients files (`-R`): one `age1…` per line, blank lines and `#`
/// comments skipped, as age(1) reads them.
public enum RecipientsFile {
    public static let sizeLimit = 1 << 24

    /// Parses recipients file contents. Works on bytes: a String would treat CRLF as one
    /// character and keep the CR.
    public static func parse(_ contents: UnsafeRawBufferPointer) throws(ActorKeysError) -> [X25519Recipient] {
        var recipients = [X25519Recipient]()
        var lineNumber = 0
        for var line in contents.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNumber += 1
            if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
            if line.isEmpty || line.first == UInt8(ascii: "#") { continue }
            do {
                recipients.append(try X25519Recipient(parsing: String(decoding: line, as: UTF8.self)))
            } catch {
                throw ActorKeysError(.malformedRecipient, "error at line \(lineNumber): \(error.message)")
            }
        }
        guard !recipients.isEmpty else {
            throw ActorKeysError(.malformedRecipient, "no recipients found")
        }
        return recipients
    }

    public static func parse(_ text: String) throws(ActorKeysError) -> [X25519Recipient] {
        try text.withUTF8Buffer { bytes throws(ActorKeysError) in try parse(bytes) }
    }

    public static func read(path: String) throws(ActorKeysError) -> [X25519Recipient] {
        let contents = try FilePath.readSecret(path, limit: sizeLimit)
        do {
            return try contents.withUnsafeBytes { bytes throws(ActorKeysError) in try parse(bytes) }
        } catch {
            throw ActorKeysError(error.code, "\(path): \(error.message)")
        }
    }
}

/// Timestamp is a UTC wall-clock time in milliseconds, rendered as RFC 3339.
public struct Timestamp: Sendable, Hashable, Comparable, Codable {
    public let millisecondsSinceEpoch: Int64

    public init(millisecondsSinceEpoch: Int64) { self.millisecondsSinceEpoch = millisecondsSinceEpoch }

    public static func now() -> Timestamp {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Timestamp(millisecondsSinceEpoch: Int64(now.tv_sec) * 1000 + Int64(now.tv_nsec) / 1_000_000)
    }

    public var secondsSinceEpoch: Int64 { millisecondsSinceEpoch / 1000 }

    /// `2006-01-02T15:04:05Z`, as age-keygen writes it.
    public var rfc3339: String { format(milliseconds: false) }

    /// `2006-01-02T15:04:05.123Z`.
    public var rfc3339Milliseconds: String { format(milliseconds: true) }

    /// Parses `2006-01-02T15:04:05Z` or `2006-01-02T15:04:05.123Z` (UTC only).
    public init?(rfc3339 text: String) {
        let parts = text.utf8.split(omittingEmptySubsequences: false) { "-T:.Z".utf8.contains($0) }.map {
            Int(String(decoding: $0, as: UTF8.self))
        }
        guard text.hasSuffix("Z"), parts.count == 7 || parts.count == 8,
            let year = parts[0], let month = parts[1], let day = parts[2], let hour = parts[3], let minute = parts[4],
            let second = parts[5],
            (1...12).contains(month), (1...31).contains(day), (0...23).contains(hour), (0...59).contains(minute),
            (0...60).contains(second)
        else { return nil }
        let fraction = parts.count == 8 ? parts[6] : 0
        guard let fraction, fraction < 1000 else { return nil }
        var fields = tm()
        fields.tm_year = Int32(year - 1900)
        fields.tm_mon = Int32(month - 1)
        fields.tm_mday = Int32(day)
        fields.tm_hour = Int32(hour)
        fields.tm_min = Int32(minute)
        fields.tm_sec = Int32(second)
        let seconds = timegm(&fields)
        guard seconds >= 0 else { return nil }
        millisecondsSinceEpoch = Int64(seconds) * 1000 + Int64(fraction)
    }

    private func format(milliseconds: Bool) -> String {
        var seconds = time_t(secondsSinceEpoch)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func pad(_ value: Int, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        let fraction = milliseconds ? "." + pad(Int(millisecondsSinceEpoch % 1000), 3) : ""
        return "\(pad(Int(parts.tm_year) + 1900, 4))-\(pad(Int(parts.tm_mon) + 1, 2))-\(pad(Int(parts.tm_mday), 2))T"
            + "\(pad(Int(parts.tm_hour), 2)):\(pad(Int(parts.tm_min), 2)):\(pad(Int(parts.tm_sec), 2))\(fraction)Z"
    }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool {
        lhs.millisecondsSinceEpoch < rhs.millisecondsSinceEpoch
    }
}
