import ArgumentParser

/// The `actorkeys` command: it only lists the verbs, each of which lives in its own file.
public struct ActorKeysCommand: AsyncParsableCommand {
    static let version = "0.1.0"

    public static let configuration = CommandConfiguration(
        commandName: "actorkeys",
        abstract: "Per-actor age keys and envelope encryption for ledgers.",
        discussion: """
            Every user, agent and service that writes to the ledger can have its own age key; rows \
            are sealed under data keys wrapped to their owner's key, and keys rotate without \
            downtime or lost rows. The home folder (--home, $ACTORKEYS_HOME, else ./.actorkeys) holds \
            the keys; the database is SQLite there unless --database or $ACTORKEYS_DATABASE_URL names \
            another (postgres://…).

            keygen, encrypt, decrypt and rekey read and write standard age files \
            (age-encryption.org/v1): anything they produce opens with age(1), and the other way \
            round (post-quantum files with age 1.3 and later).

            The global options --home, --database and --json may stand before the subcommand or \
            after it.

            Exit codes: 0 success, 1 operation failed, 2 usage error, 3 not found, 4 conflict, \
            5 permission denied. Errors are one line on stderr starting with "error: ".
            """,
        version: version,
        subcommands: [
            Init.self, Root.self, Actor.self, Key.self, Ledger.self, Status.self, Token.self, Audit.self, Serve.self,
            Keygen.self, Encrypt.self, Decrypt.self, Rekey.self, Admin.self,
        ]
    )

    public init() {}
}

/// Entry runs `actorkeys` with the process's arguments: what both executables' `main` does.
public enum Entry {
    public static func main() async {
        do {
            var command = try ActorKeysCommand.parseAsRoot(
                GlobalOptions.hoisted(Array(CommandLine.arguments.dropFirst())))
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            Entry.exit(reporting: error)
        }
    }

    /// Prints help and version requests to stdout, and every error as one `error:` line on
    /// stderr, then exits with the code of DESIGN.md.
    static func exit(reporting error: Error) -> Never {
        if let failure = error as? CLIError {
            Console.error(failure.message)
            terminate(failure.exitCode)
        }
        let code = ActorKeysCommand.exitCode(for: error)
        if code == .success {
            print(ActorKeysCommand.fullMessage(for: error))
            terminate(0)
        }
        let failure = CLIError(error)
        Console.error(failure.message)
        terminate(failure.exitCode)
    }
}
