import ActorKeys

/// ProviderCredentials finds a provider's credentials where its ecosystem keeps them: the
/// process environment first, then a 0600 file per secret under `<home>/secrets/` (DESIGN.md,
/// Storage). A secret is read into `SecretBytes` and leaves them only for the one request that
/// needs it; nothing here logs, describes or stores a value.
public struct ProviderCredentials: Sendable {
    public let environment: [String: String]
    /// `<home>/secrets`, or nil when there is no home folder to look in.
    public let secretsDirectory: String?

    public init(environment: [String: String], secretsDirectory: String?) {
        self.environment = environment
        self.secretsDirectory = secretsDirectory
    }

    /// A non-secret value (a region, a client id): the environment variable, else the file.
    public func value(_ variable: String, file: String? = nil) -> String? {
        if let value = environment[variable], !value.isEmpty { return value }
        guard let secret = try? self.secret(variable, file: file) else { return nil }
        return secret.withUnsafeBytes { String(decoding: $0, as: UTF8.self) }
    }

    /// A secret: the environment variable, else `<home>/secrets/FILE`, else nil. Surrounding
    /// white space (a trailing newline) is dropped. A file that exists but cannot be read is an
    /// `.authFailed` that names the file, never its content.
    public func secret(_ variable: String?, file: String?) throws(RootKeyError) -> SecretBytes? {
        if let variable, let value = environment[variable], !value.isEmpty {
            return SecretBytes(copying: Array(value.utf8))
        }
        guard let file, let secretsDirectory else { return nil }
        return try Self.read(path: FilePath.join(secretsDirectory, file))
    }

    /// Reads a secret file (at most 64 KiB), trimmed; nil when it does not exist.
    public static func read(path: String) throws(RootKeyError) -> SecretBytes? {
        let contents: SecretBytes
        do {
            contents = try FilePath.readSecret(path, limit: 65_536)
        } catch  where error.code == .notFound {
            return nil
        } catch {
            throw RootKeyError(.authFailed, "cannot read the credential file \(path): \(error.message)")
        }
        return contents.withUnsafeBytes { bytes in
            var start = 0
            var end = bytes.count
            while start < end, Self.isSpace(bytes[start]) { start += 1 }
            while end > start, Self.isSpace(bytes[end - 1]) { end -= 1 }
            return SecretBytes(copying: UnsafeRawBufferPointer(rebasing: bytes[start..<end]))
        }
    }

    private static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 }
}

extension SecretBytes {
    /// The secret as a string, for the one HTTP header or form field that carries it.
    package var utf8String: String { withUnsafeBytes { String(decoding: $0, as: UTF8.self) } }
}
