import Foundation

/// Tools locates the programs the CLI tests drive: our `actorkeys` (built next to the test
/// bundle) and age(1). A missing age is a test failure with instructions, never a silent skip.
public enum Tools {
    /// The folder of the build products (where the test bundle and `actorkeys` are).
    public static let productsDirectory: String = {
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL
        var directory = bundle.deletingLastPathComponent()
        // `swift test` may run the bundle's inner executable on some platforms.
        while !FileManager.default.fileExists(atPath: directory.appendingPathComponent("actorkeys").path),
            directory.pathComponents.count > 1, directory.lastPathComponent != ".build"
        {
            directory = directory.deletingLastPathComponent()
        }
        return directory.path
    }()

    public static var actorkeys: String { productsDirectory + "/actorkeys" }

    /// A file of this repository (test scripts such as Tests/Browser/console_test.py).
    public static func repositoryFile(_ path: String, from file: String = #filePath) -> String {
        URL(fileURLWithPath: file).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent(path).path
    }

    public static let missingAge =
        "age(1) is not installed: run the README's test command, which installs it (apt-get install -y age)"

    public static var age: String? { which("age") }
    public static var ageKeygen: String? { which("age-keygen") }
    /// util-linux script(1), to give a command a terminal for passphrase prompts.
    public static var script: String? { which("script") }
}
