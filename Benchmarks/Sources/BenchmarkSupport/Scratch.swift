import Foundation

/// Scratch is a temporary folder for one benchmark process, removed by `remove()`.
public struct Scratch: Sendable {
    public let path: String

    public init(_ label: String) {
        let base = ProcessInfo.processInfo.environment["TMPDIR"] ?? "/tmp"
        path = "\(base)/actorkeys-bench-\(label)-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    public func file(_ name: String) -> String { "\(path)/\(name)" }

    public func remove() { try? FileManager.default.removeItem(atPath: path) }
}

/// Box carries what a benchmark's setup makes to its measured closure.
public final class Box<Value>: @unchecked Sendable {
    public var value: Value?
    public init() {}
    public var unwrapped: Value { value! }
}
