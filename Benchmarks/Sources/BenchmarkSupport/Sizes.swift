/// Sizes are the payload sizes the benchmarks sweep where size matters: a short prompt, a
/// typical one, a long one with context, and a file.
public enum Sizes {
    public static let all: [(label: String, bytes: Int)] = [
        ("64B", 64), ("1KiB", 1024), ("16KiB", 16 * 1024), ("1MiB", 1024 * 1024),
    ]

    /// `count` bytes of text-like payload (what a prompt looks like to the cipher: anything).
    public static func payload(_ count: Int) -> [UInt8] {
        (0..<count).map { UInt8(0x61 + $0 % 26) }
    }
}
