import ActorKeys
import ArgumentParser
import Envelope

#if canImport(Glibc)
import Glibc
#endif

extension ActorKeysCommand {
    /// `actorkeys keygen`: age-keygen, output for output.
    struct Keygen: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "keygen",
            abstract: "Generate an age identity, or print the recipients of identities (age-keygen compatible).",
            discussion: """
                Without -y, writes a new identity in age-keygen's format to OUTPUT (created 0600, never \
                overwritten) or to standard output; when the key does not go to a terminal, its public \
                key is also printed to stderr. The identity is X25519 (age1…), or with --pq the hybrid \
                post-quantum MLKEM768-X25519 (age1pq1…, as age-keygen -pq), which age 1.3 and later \
                read. With -y, reads identities of either type from INPUT (or standard input) and \
                prints one recipient per line.
                """
        )

        @Option(
            name: [.customShort("o"), .customLong("output")],
            help: ArgumentHelp("Write to this file instead of standard output. It must not exist.", valueName: "OUTPUT")
        )
        var output: String?

        @Flag(name: .customShort("y"), help: "Convert identities to recipients instead of generating a key.")
        var convert = false

        @Flag(
            name: .customLong("pq"),
            help: "Generate a hybrid post-quantum MLKEM768-X25519 identity (AGE-SECRET-KEY-PQ-1…).")
        var postQuantum = false

        @Argument(
            help: ArgumentHelp("With -y: the identity file to read (default: standard input).", valueName: "INPUT"))
        var input: String?

        func validate() throws {
            if !convert && input != nil { throw ValidationError("INPUT is only read with -y.") }
            if convert && postQuantum {
                throw ValidationError(
                    "--pq can't be used with -y: -y prints the recipients of identities of either type.")
            }
        }

        func run() async throws {
            // Like age-keygen, refuse an existing output before doing anything (the commit
            // below refuses it again, atomically, should one appear meanwhile).
            if let output, output != "-", FilePath.exists(output) {
                throw CLIError(.conflict, "\(output) already exists")
            }
            let target = try OutputTarget(path: output, mode: 0o600)
            let sink = target
            if convert {
                var stdin = StandardInputUse()
                let identities = try KeyArguments.identities(file: input ?? "-", stdin: &stdin)
                let text = identities.map { $0.recipient.encoded + "\n" }.joined()
                try Array(text.utf8).withUnsafeBytes { try sink.write($0) }
            } else {
                let identity = AgeIdentity.generate(postQuantum ? .hybrid : .x25519)
                if target.isStandardOutput, Self.isWorldReadableFile(1) {
                    Console.warning("writing secret key to a world-readable file")
                }
                if !target.isStandardOutput || !Console.isTerminal(1) {
                    Console.note("Public key: \(identity.recipient.encoded)")
                }
                try IdentityFile.format(identity).withUnsafeBytes { try sink.write($0) }
            }
            // Like age-keygen, never overwrite: a key file is created exactly once.
            try target.commit(.refuse)
        }

        static func isWorldReadableFile(_ descriptor: Int32) -> Bool {
            var status = stat()
            guard fstat(descriptor, &status) == 0 else { return false }
            return (status.st_mode & S_IFMT) == S_IFREG && (status.st_mode & S_IROTH) != 0
        }
    }
}
