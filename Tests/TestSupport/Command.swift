import Foundation

/// The outcome of a finished child process.
public struct CommandResult: Sendable {
    public let status: Int32
    public let stdout: [UInt8]
    public let stderr: String

    public var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
}

/// Runs a child process to completion with `input` on its standard input.
///
/// Output is drained on background threads while the child runs, so a child that writes more
/// than a pipe holds does not deadlock.
public func run(
    _ executable: String, _ arguments: [String], input: [UInt8] = [], environment: [String: String]? = nil,
    directory: String? = nil
) throws -> CommandResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    if let environment { process.environment = environment }
    if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
    let stdin = Pipe()
    let stdout = Pipe()
    let stderr = Pipe()
    process.standardInput = stdin
    process.standardOutput = stdout
    process.standardError = stderr
    try process.run()

    let collected = Collected()
    let group = DispatchGroup()
    for (pipe, isOut) in [(stdout, true), (stderr, false)] {
        group.enter()
        DispatchQueue.global().async {
            let data = pipe.fileHandleForReading.readDataToEndOfFile()
            collected.set(data, isOut: isOut)
            group.leave()
        }
    }
    // A child may exit without reading its input; ignore the broken pipe.
    signal(SIGPIPE, SIG_IGN)
    try? stdin.fileHandleForWriting.write(contentsOf: Data(input))
    try? stdin.fileHandleForWriting.close()
    group.wait()
    process.waitUntilExit()
    return CommandResult(
        status: process.terminationStatus, stdout: collected.out, stderr: String(decoding: collected.err, as: UTF8.self)
    )
}

/// Finds an executable on PATH; nil when it is not installed.
public func which(_ name: String) -> String? {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    for directory in path.split(separator: ":") {
        let candidate = "\(directory)/\(name)"
        if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
    }
    return nil
}

private final class Collected: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var out: [UInt8] = []
    private(set) var err: [UInt8] = []

    func set(_ data: Data, isOut: Bool) {
        lock.lock()
        defer { lock.unlock() }
        if isOut { out = [UInt8](data) } else { err = [UInt8](data) }
    }
}
