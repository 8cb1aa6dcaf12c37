/// FuzzInput reads a fuzzer's bytes as a sequence of choices, as libFuzzer's FuzzedDataProvider
/// does: each call takes the next bytes, and an exhausted input answers zero, so every input,
/// however short, is a complete program for the target.
public struct FuzzInput {
    public let bytes: UnsafeRawBufferPointer
    public private(set) var offset = 0

    public init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    public var remaining: Int { bytes.count - offset }

    /// The next byte, or 0 when none is left.
    public mutating func byte() -> UInt8 {
        guard offset < bytes.count else { return 0 }
        defer { offset += 1 }
        return bytes[offset]
    }

    /// A number in `0..<bound`, from the next two bytes.
    public mutating func number(below bound: Int) -> Int {
        precondition(bound > 0, "a choice needs at least one option")
        let value = Int(byte()) | Int(byte()) << 8
        return value % bound
    }

    /// The bytes not read yet, as an array; the input is then exhausted.
    public mutating func rest() -> [UInt8] {
        defer { offset = bytes.count }
        return Array(bytes[offset...])
    }
}

/// Stops the process as a crash libFuzzer records (with the input that caused it) when a
/// property a target checks does not hold.
public func require(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String) {
    if !condition() { fatalError("fuzz property violated: \(message())") }
}
