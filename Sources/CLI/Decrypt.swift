import ActorKeys
import ArgumentParser
import Envelope

extension ActorKeysCommand {
    /// `actorkeys decrypt`: age(1)'s `-d`. Armor is detected; a passphrase-encrypted file asks
    /// for its passphrase when no identity is given.
    struct Decrypt: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "decrypt",
            abstract: "Decrypt an age file with identities or a passphrase (age(1) compatible).",
            discussion: """
                Reads INPUT (or standard input), binary or armored, and writes the plaintext to OUTPUT \
                (or standard output). With -o, the file appears only once the whole input has been \
                decrypted and authenticated: a wrong key or a truncated file leaves nothing behind. \
                Without -i, a passphrase-encrypted file asks for its passphrase on the terminal.
                """
        )

        @Option(
            name: [.customShort("i"), .customLong("identity")],
            help: ArgumentHelp("Use the identities in this file (- for standard input). Repeatable.", valueName: "PATH")
        )
        var identityFiles: [String] = []

        @Option(
            name: [.customShort("o"), .customLong("output")],
            help: ArgumentHelp("Write the plaintext to this file (- for standard output).", valueName: "OUTPUT"))
        var output: String?

        @Argument(help: ArgumentHelp("The file to decrypt (default: standard input).", valueName: "INPUT"))
        var input: String?

        // Accepted only to explain, as age(1) does, that decryption needs neither.
        @Flag(name: [.customShort("p"), .customLong("passphrase")], help: .hidden)
        var passphrase = false
        @Flag(name: [.customShort("a"), .customLong("armor")], help: .hidden)
        var armor = false

        func validate() throws {
            if passphrase {
                throw ValidationError(
                    "-p/--passphrase can't be used with decrypt: passphrase-encrypted files are detected automatically."
                )
            }
            if armor {
                throw ValidationError(
                    "-a/--armor can't be used with decrypt: armored files are detected automatically.")
            }
        }

        func run() async throws {
            var stdin = StandardInputUse()
            if input == nil || input == "-" { try stdin.claim("input") }
            let guardIdentity = PassphraseGuard(prompting: identityFiles.isEmpty)
            var identities: [any Identity] = [guardIdentity]
            for path in identityFiles {
                identities += try KeyArguments.identities(file: path, stdin: &stdin) as [any Identity]
            }

            let inputFile = try InputFile(path: input)
            defer { inputFile.close() }
            let target = try OutputTarget(path: output)
            var source = inputFile.source
            var sink = target
            do {
                try Age.decrypt(from: &source, to: &sink, identities: identities)
            } catch {
                // The guard knows why nothing matched when the file wanted a passphrase.
                if error.code == .noIdentityMatched, let explanation = guardIdentity.explanation { throw explanation }
                throw error
            }
            try target.commit()
        }
    }
}

/// PassphraseGuard goes first among the identities, like age's: with no `-i`, it asks for the
/// passphrase of a passphrase-encrypted file; with `-i`, it refuses to treat such a file as
/// keyed. Either way it explains why nothing matched.
final class PassphraseGuard: Identity, @unchecked Sendable {
    private let prompting: Bool
    private(set) var explanation: CLIError?

    init(prompting: Bool) { self.prompting = prompting }

    func unwrap(stanzas: [Stanza]) throws(EnvelopeError) -> SecretBytes? {
        let passphraseFile = stanzas.count == 1 && stanzas[0].type == "scrypt"
        guard prompting else {
            if passphraseFile {
                explanation = CLIError(
                    .usage,
                    "file is passphrase-encrypted but identities were given with -i/--identity: remove them to be asked for the passphrase"
                )
            }
            return nil
        }
        guard passphraseFile else {
            explanation = CLIError(
                .usage, "no identity given: use -i/--identity (the file is not passphrase-encrypted)")
            return nil
        }
        let passphrase: SecretBytes
        do {
            passphrase = try Terminal.readPassphrase(prompt: "Enter passphrase:")
        } catch {
            explanation = error
            return nil
        }
        guard passphrase.count > 0 else {
            explanation = CLIError(.failed, "passphrase can't be empty")
            return nil
        }
        return try ScryptIdentity(passphrase: passphrase).unwrap(stanzas: stanzas)
    }
}
