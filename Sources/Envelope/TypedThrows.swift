// The standard library's `withUnsafeBytes` family rethrows `any Error`; these carry
// EnvelopeError through unchanged so the module's functions can keep their typed throws.

extension Array where Element == UInt8 {
    func withBytes<Result>(
        _ body: (UnsafeRawBufferPointer) throws(EnvelopeError) -> Result
    ) throws(EnvelopeError) -> Result {
        try withUnsafeBytes { raw in Swift.Result { () throws(EnvelopeError) in try body(raw) } }.get()
    }

    mutating func withMutableBytes<Result>(
        _ body: (UnsafeMutableRawBufferPointer) throws(EnvelopeError) -> Result
    ) throws(EnvelopeError) -> Result {
        try withUnsafeMutableBytes { raw in Swift.Result { () throws(EnvelopeError) in try body(raw) } }.get()
    }
}

extension UnsafeRawBufferPointer {
    /// The base address, or a valid pointer to nothing for an empty buffer (C APIs that take a
    /// length still want a non-null pointer).
    var bytePointer: UnsafePointer<UInt8> {
        if let base = baseAddress { return base.assumingMemoryBound(to: UInt8.self) }
        return UnsafePointer(emptyByte)
    }
}

private nonisolated(unsafe) let emptyByte = UnsafeMutablePointer<UInt8>.allocate(capacity: 1)
