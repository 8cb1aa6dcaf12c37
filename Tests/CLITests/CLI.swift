import Foundation
import TestSupport

/// Runs the built `actorkeys` binary.
func actorkeys(_ arguments: String..., input: [UInt8] = [], directory: String? = nil) throws -> CommandResult {
    try run(Tools.actorkeys, arguments, input: input, directory: directory)
}

func actorkeys(arguments: [String], input: [UInt8] = [], directory: String? = nil) throws -> CommandResult {
    try run(Tools.actorkeys, arguments, input: input, directory: directory)
}

/// Runs a shell command line inside a pseudo-terminal (script(1)), feeding `typed` as keystrokes.
func inTerminal(_ commandLine: String, typed: String, directory: String) throws -> CommandResult {
    let script = try requireTool(Tools.script, "script(1) (util-linux) is needed for terminal tests")
    return try run(script, ["-qec", commandLine, "/dev/null"], input: Array(typed.utf8), directory: directory)
}

struct MissingTool: Error, CustomStringConvertible {
    let description: String
}

func requireTool(_ path: String?, _ message: String) throws -> String {
    guard let path else { throw MissingTool(description: message) }
    return path
}

func age() throws -> String { try requireTool(Tools.age, Tools.missingAge) }
func ageKeygen() throws -> String { try requireTool(Tools.ageKeygen, Tools.missingAge) }

extension CommandResult {
    /// Error output must be exactly one line that starts with `error: `.
    var isOneErrorLine: Bool {
        let lines = stderr.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.isEmpty }
        return lines.count == 1 && lines[0].hasPrefix("error: ")
    }
}

/// Deterministic bytes.
func pattern(_ count: Int, seed: UInt32 = 1) -> [UInt8] {
    var state = seed &* 2_654_435_761
    return (0..<count).map { _ in
        state = state &* 1_103_515_245 &+ 12345
        return UInt8(truncatingIfNeeded: state >> 16)
    }
}

/// Makes an identity file with `actorkeys keygen` and returns its path and recipient.
func newKey(
    in directory: TemporaryDirectory, named name: String = "key.txt"
) throws -> (path: String, recipient: String) {
    let path = directory.file(name)
    let generated = try actorkeys("keygen", "-o", path)
    guard generated.status == 0 else { throw MissingTool(description: "keygen failed: \(generated.stderr)") }
    return (path, try actorkeys("keygen", "-y", path).stdoutText.trimmingCharacters(in: .newlines))
}
