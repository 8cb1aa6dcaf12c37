import ActorKeys
import Envelope

/// KeyArguments turns `-r`, `-R` and `-i` values into recipients and identities the way age(1)
/// does, with age's messages for the key types actorkeys does not support.
enum KeyArguments {
    /// Parses one `-r` value.
    static func recipient(_ text: String) throws(CLIError) -> AgeRecipient {
        if text.hasPrefix("age1") && !text.hasPrefix("age1pq1") && text.filter({ $0 == "1" }).count > 1 {
            throw CLIError(.failed, "plugin recipients are not supported: \"\(text)\"")
        }
        if text.hasPrefix("ssh-") {
            throw CLIError(
                .failed, "SSH recipients are not supported; use an age recipient (age1… or post-quantum age1pq1…)")
        }
        guard text.hasPrefix("age1") else {
            throw CLIError(.failed, "unknown recipient type: \"\(text)\"")
        }
        do {
            return try AgeRecipient(parsing: text)
        } catch {
            throw CLIError(error)
        }
    }

    /// Reads a `-R` file; `-` is standard input.
    static func recipients(file path: String, stdin: inout StandardInputUse) throws(CLIError) -> [AgeRecipient] {
        do {
            if path == "-" {
                try stdin.claim("recipients file")
                let contents = try FilePath.readSecret(
                    descriptor: 0, name: "standard input", limit: RecipientsFile.sizeLimit)
                return try contents.withUnsafeBytes { bytes throws(ActorKeysError) in try RecipientsFile.parse(bytes) }
            }
            return try RecipientsFile.read(path: path)
        } catch let error as ActorKeysError {
            throw CLIError(
                error.code == .notFound ? .notFound : .failed,
                "recipients file \"\(path)\": \(error.message.replacingPrefix(path + ": "))")
        } catch {
            throw CLIError(error)
        }
    }

    /// Reads a `-i` file; `-` is standard input. A file that is itself an age file (armored or
    /// not) is a passphrase-protected identity file: it is decrypted after a prompt.
    static func identities(file path: String, stdin: inout StandardInputUse) throws(CLIError) -> [AgeIdentity] {
        do {
            let contents: SecretBytes
            if path == "-" {
                try stdin.claim("identity file")
                contents = try FilePath.readSecret(descriptor: 0, name: "standard input", limit: IdentityFile.sizeLimit)
            } else {
                contents = try FilePath.readSecret(path, limit: IdentityFile.sizeLimit)
            }
            let encrypted = contents.withUnsafeBytes {
                $0.starts(with: "age-encryption.org/".utf8) || $0.starts(with: "-----BEGIN AGE".utf8)
            }
            guard encrypted else {
                return try contents.withUnsafeBytes { bytes throws(ActorKeysError) in try IdentityFile.parse(bytes) }
            }
            return try decryptIdentityFile(contents, name: path)
        } catch let error as ActorKeysError {
            throw CLIError(
                error.code == .notFound ? .notFound : .failed,
                "identity file \"\(path)\": \(error.message.replacingPrefix(path + ": "))")
        } catch {
            throw CLIError(error)
        }
    }

    private static func decryptIdentityFile(_ contents: SecretBytes, name: String) throws -> [AgeIdentity] {
        var source = BytesSource(contents.withUnsafeBytes { Array($0) })
        let stanzas = try Age.stanzas(of: &source)
        guard stanzas.count == 1, stanzas[0].type == "scrypt" else {
            throw CLIError(.failed, "identity file \"\(name)\" is encrypted with age but not with a passphrase")
        }
        let passphrase = try Terminal.readPassphrase(prompt: "Enter passphrase for identity file \"\(name)\":")
        var decrypted = try contents.withUnsafeBytes { bytes in
            try Age.decrypt(Array(bytes), with: [ScryptIdentity(passphrase: passphrase)])
        }
        defer { decrypted.withUnsafeMutableBytes { SecretBytes.zero($0) } }
        return try decrypted.withUnsafeBytes { bytes throws(ActorKeysError) in try IdentityFile.parse(bytes) }
    }
}

/// StandardInputUse makes sure standard input serves one purpose only (the input, a recipients
/// file or an identity file), as age(1) does.
struct StandardInputUse {
    private var purpose: String?

    mutating func claim(_ use: String) throws(CLIError) {
        if let purpose {
            throw CLIError(.usage, "standard input is used for multiple purposes (\(purpose) and \(use))")
        }
        purpose = use
    }
}

extension String {
    func replacingPrefix(_ prefix: String) -> String {
        hasPrefix(prefix) ? String(dropFirst(prefix.count)) : self
    }
}
