import ActorKeys
import ArgumentParser
import Envelope

extension ActorKeysCommand {
    /// `actorkeys rekey`: new recipients for an age file, the same payload bytes.
    struct Rekey: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rekey",
            abstract: "Change who can open an age file without re-encrypting its payload.",
            discussion: """
                Reads the age file INPUT (or standard input), binary or armored, unwraps its file key \
                with the identities of -i, and writes OUTPUT (or standard output) with a new header for \
                the recipients of -r and -R (new stanzas, a new MAC) and the payload copied byte for \
                byte: its nonce and every chunk. Armored input gives armored output. Every chunk is \
                authenticated before it is copied; with -o, the file appears only once the whole input \
                was checked. The file key stays the same, so whoever already holds it (an old \
                recipient that decrypted the file once) can still read the result: after a suspected \
                compromise, decrypt and encrypt anew instead. Post-quantum and classic recipients are \
                not mixed, as in encrypt.
                """
        )

        @Option(
            name: [.customShort("i"), .customLong("identity")],
            help: ArgumentHelp(
                "Unwrap the file key with the identities in this file (- for standard input). Repeatable.",
                valueName: "PATH"))
        var identityFiles: [String] = []

        @Option(
            name: [.customShort("r"), .customLong("recipient")],
            help: ArgumentHelp(
                "Rekey to this recipient (age1…, or post-quantum age1pq1…). Repeatable.", valueName: "RECIPIENT"))
        var recipients: [String] = []

        @Option(
            name: [.customShort("R"), .customLong("recipients-file")],
            help: ArgumentHelp(
                "Rekey to the recipients listed in this file (- for standard input). Repeatable.", valueName: "PATH"))
        var recipientsFiles: [String] = []

        @Option(
            name: [.customShort("o"), .customLong("output")],
            help: ArgumentHelp("Write the rekeyed file to this file (- for standard output).", valueName: "OUTPUT"))
        var output: String?

        @Argument(help: ArgumentHelp("The age file to rekey (default: standard input).", valueName: "INPUT"))
        var input: String?

        func validate() throws {
            if identityFiles.isEmpty {
                throw ValidationError("Missing identities: give -i/--identity, the key that opens the file now.")
            }
            if recipients.isEmpty && recipientsFiles.isEmpty {
                throw ValidationError("Missing recipients: give -r/--recipient or -R/--recipients-file.")
            }
        }

        func run() async throws {
            // Whether the output is binary is known only once the input is read: refuse the terminal
            // up front, as encrypt does for binary output.
            if output == nil && Console.isTerminal(1) {
                throw CLIError(.usage, "refusing to write an age file to the terminal: use -o, or force it with -o -")
            }
            var stdin = StandardInputUse()
            if input == nil || input == "-" { try stdin.claim("input") }
            let passphraseCheck = PassphraseFileCheck()
            var identities: [any Identity] = [passphraseCheck]
            for path in identityFiles {
                identities += try KeyArguments.identities(file: path, stdin: &stdin) as [any Identity]
            }
            var keys = [any Recipient]()
            for text in recipients { keys.append(try KeyArguments.recipient(text)) }
            for path in recipientsFiles {
                keys += try KeyArguments.recipients(file: path, stdin: &stdin) as [any Recipient]
            }
            let inputFile = try InputFile(path: input)
            defer { inputFile.close() }
            let target = try OutputTarget(path: output)
            var source = inputFile.source
            var sink = target
            do {
                try Age.rekey(from: &source, to: &sink, identities: identities, recipients: keys)
            } catch {
                // (A `catch where` on this typed error crashes the Swift 6.3 compiler.)
                guard error.code == .noIdentityMatched, passphraseCheck.isPassphraseFile else { throw error }
                throw CLIError(
                    .failed,
                    "file is passphrase-encrypted: rekey opens it only with an identity; decrypt it and encrypt it anew instead"
                )
            }
            try target.commit()
        }
    }
}

/// PassphraseFileCheck goes first among rekey's identities and only notes whether the file is
/// passphrase-encrypted, so that no match can be explained (age's message would ask for a
/// passphrase that rekey cannot take).
final class PassphraseFileCheck: Identity, @unchecked Sendable {
    private(set) var isPassphraseFile = false

    func unwrap(stanzas: [Stanza]) throws(EnvelopeError) -> SecretBytes? {
        isPassphraseFile = stanzas.count == 1 && stanzas[0].type == "scrypt"
        return nil
    }
}
