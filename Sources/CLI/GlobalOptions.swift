/// GlobalOptions lets the global options of DESIGN.md (`--home`, `--database`, `--json`) stand
/// before the subcommand as well as after it: `actorkeys --home DIR init` is
/// `actorkeys init --home DIR`. The parser reads options only where the subcommand is, so the
/// ones given in front are moved behind the subcommand's arguments (before a `--`, if any).
enum GlobalOptions {
    static let withValue: Set<String> = ["--home", "--database"]
    static let flags: Set<String> = ["--json"]

    static func hoisted(_ arguments: [String]) -> [String] {
        var leading: [String] = []
        var index = arguments.startIndex
        while index < arguments.endIndex {
            let argument = arguments[index]
            let name = argument.split(separator: "=", maxSplits: 1).first.map(String.init) ?? argument
            if flags.contains(argument) || (withValue.contains(name) && argument.contains("=")) {
                leading.append(argument)
                index += 1
            } else if withValue.contains(argument), index + 1 < arguments.endIndex {
                leading += arguments[index...(index + 1)]
                index += 2
            } else {
                break
            }
        }
        guard !leading.isEmpty, index < arguments.endIndex else { return arguments }
        var rest = Array(arguments[index...])
        rest.insert(contentsOf: leading, at: rest.firstIndex(of: "--") ?? rest.endIndex)
        return rest
    }
}
