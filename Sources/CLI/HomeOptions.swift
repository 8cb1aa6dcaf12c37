import Admin
import ArgumentParser
import FoundationEssentials
import Ledger
import Registry

#if canImport(Glibc)
import Glibc
#endif

/// HomeOptions are the options shared by the commands that work in an actorkeys home folder.
struct HomeOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp("The actorkeys home folder (default: $ACTORKEYS_HOME, else ./.actorkeys).", valueName: "DIR")
    )
    var home: String?

    /// The home folder: `--home`, else `$ACTORKEYS_HOME`, else `./.actorkeys`.
    var homeDirectory: String {
        if let home { return home }
        if let environment = ProcessInfo.processInfo.environment["ACTORKEYS_HOME"], !environment.isEmpty {
            return environment
        }
        return "./.actorkeys"
    }

    /// `<home>/keys`, where identity files live.
    var keysDirectory: String { homeDirectory + "/keys" }
}

/// WorkspaceOptions are the global options of the commands that work on an installation:
/// `--home` and `--database`.
struct WorkspaceOptions: ParsableArguments {
    @OptionGroup var homeOptions: HomeOptions

    @Option(
        name: .long,
        help: ArgumentHelp(
            "postgres://… or sqlite:PATH (default: $ACTORKEYS_DATABASE_URL, else SQLite in the home folder).",
            valueName: "URL"))
    var database: String?

    /// `--database`, else `$ACTORKEYS_DATABASE_URL`, else nil (SQLite in the home folder).
    func databaseURL() throws(CLIError) -> DatabaseURL? {
        let text =
            database ?? ProcessInfo.processInfo.environment["ACTORKEYS_DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 }
        guard let text else { return nil }
        do { return try DatabaseURL(text) } catch { throw CLIError(.usage, error.message) }
    }

    /// Opens the workspace; `create` for `init`.
    func open(create: Bool = false) async throws(CLIError) -> Workspace {
        let database = try databaseURL()
        let policy = try Self.dataKeyPolicy()
        let root = try Self.rootOptions()
        do {
            return try await Workspace.open(
                home: homeOptions.homeDirectory, database: database, create: create, policy: policy, options: root)
        } catch {
            throw CLIError(error)
        }
    }

    /// How the root key is reached: credentials from this process's environment;
    /// `$ACTORKEYS_ROOT_CACHE_TTL` seconds that unwrapped sealing keys serve without the provider
    /// (default 300); `$ACTORKEYS_PROVIDER_TIMEOUT` seconds per provider call (default 10).
    static func rootOptions() throws(CLIError) -> RootOptions {
        let environment = ProcessInfo.processInfo.environment
        var options = RootOptions(environment: environment)
        for (variable, apply) in [
            (
                "ACTORKEYS_ROOT_CACHE_TTL",
                { (value: Int, options: inout RootOptions) in options.cacheTTL = .seconds(value) }
            ),
            (
                "ACTORKEYS_PROVIDER_TIMEOUT",
                { (value: Int, options: inout RootOptions) in options.providerTimeout = .seconds(value) }
            ),
        ] {
            guard let text = environment[variable] else { continue }
            guard let value = Int(text), (1...86_400).contains(value) else {
                throw CLIError(.usage, "\(variable) must be a number of seconds from 1 to 86400")
            }
            apply(value, &options)
        }
        return options
    }

    /// The data-key limits: `$ACTORKEYS_DATA_KEY_MAX_RECORDS` records and
    /// `$ACTORKEYS_DATA_KEY_MAX_AGE` seconds per data key, else the defaults.
    static func dataKeyPolicy() throws(CLIError) -> DataKeyPolicy {
        var policy = DataKeyPolicy.default
        let environment = ProcessInfo.processInfo.environment
        if let text = environment["ACTORKEYS_DATA_KEY_MAX_RECORDS"] {
            guard let value = Int(text), value > 0 else {
                throw CLIError(.usage, "ACTORKEYS_DATA_KEY_MAX_RECORDS must be a positive number")
            }
            policy.maxRecords = value
        }
        if let text = environment["ACTORKEYS_DATA_KEY_MAX_AGE"] {
            guard let value = Int(text), value > 0 else {
                throw CLIError(.usage, "ACTORKEYS_DATA_KEY_MAX_AGE must be a positive number of seconds")
            }
            policy.maxAge = .seconds(value)
        }
        return policy
    }

    /// The key administration, acting as the local user.
    func administration(create: Bool = false) async throws(CLIError) -> KeyAdministration {
        try await open(create: create).administration(as: .commandLine(user: Self.localUser))
    }

    /// The process's real user, as the audit trail names it: the account of its uid (not `$USER`,
    /// which anyone can set), else `uid:N`.
    static var localUser: String {
        let uid = getuid()
        guard let entry = getpwuid(uid), let name = entry.pointee.pw_name else { return "uid:\(uid)" }
        return String(cString: name)
    }
}

/// OutputOptions carry `--json`, for every command that reports something.
struct OutputOptions: ParsableArguments {
    @Flag(name: .long, help: "Print the result as JSON.")
    var json = false

    /// Prints `report` as one JSON object with sorted keys: the same JSON the HTTP API answers
    /// with for the same report.
    func printJSON(_ report: some JSONReport) throws {
        print(String(decoding: report.jsonBytes, as: UTF8.self))
    }
}

/// PageOptions are `--after` and `--limit`, for the commands that page through a list as the
/// API's list routes do.
struct PageOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Only items after this sequence number.", valueName: "SEQ"))
    var after: Int64 = 0

    @Option(name: .long, help: ArgumentHelp("At most this many.", valueName: "N"))
    var limit = 100

    func validate() throws {
        guard (1...10_000).contains(limit) else { throw ValidationError("--limit is between 1 and 10000.") }
    }
}
