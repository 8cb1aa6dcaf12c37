import ArgumentParser
import FoundationEssentials

/// HomeOptions are the options shared by the commands that work in an actorkeys home folder.
struct HomeOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The actorkeys home folder (default: $ACTORKEYS_HOME, else ./.actorkeys).", valueName: "DIR"))
    var home: String?

    /// The home folder: `--home`, else `$ACTORKEYS_HOME`, else `./.actorkeys`.
    var homeDirectory: String {
        if let home { return home }
        if let environment = ProcessInfo.processInfo.environment["ACTORKEYS_HOME"], !environment.isEmpty { return environment }
        return "./.actorkeys"
    }

    /// `<home>/keys`, where identity files live.
    var keysDirectory: String { homeDirectory + "/keys" }
}

/// OutputOptions carry `--json`, for every command that reports something.
struct OutputOptions: ParsableArguments {
    @Flag(name: .long, help: "Print the result as JSON.")
    var json = false

    /// Prints `value` as one JSON object with sorted keys.
    func printJSON(_ value: some Encodable) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        print(String(decoding: try encoder.encode(value), as: UTF8.self))
    }
}
