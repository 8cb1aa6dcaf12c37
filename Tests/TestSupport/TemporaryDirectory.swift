import Foundation

/// A fresh temporary directory, removed when released.
public final class TemporaryDirectory: @unchecked Sendable {
    public let path: String

    public init() {
        path = NSTemporaryDirectory() + "actorkeys-test-" + UUID().uuidString
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// `path/name`.
    public func file(_ name: String) -> String { path + "/" + name }

    public func mode(of file: String) -> Int {
        (try! FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as! NSNumber).intValue
    }

    public func contents(of file: String) -> String { (try? String(contentsOfFile: file, encoding: .utf8)) ?? "" }

    public func bytes(of file: String) -> [UInt8]? { FileManager.default.contents(atPath: file).map { [UInt8]($0) } }

    public func write(_ bytes: [UInt8], to file: String) {
        _ = FileManager.default.createFile(atPath: file, contents: Data(bytes))
    }

    public func exists(_ file: String) -> Bool { FileManager.default.fileExists(atPath: file) }

    public func entries(in directory: String? = nil) -> [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: directory ?? path)) ?? []
    }
}
