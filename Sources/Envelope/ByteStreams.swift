import ActorKeys

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// ByteSource is where encryption and decryption read from: a file, a pipe, memory.
public protocol ByteSource {
    /// Reads up to `buffer.count` bytes; returns 0 only at the end of the input.
    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws(EnvelopeError) -> Int

    /// How many bytes remain, when the source knows (memory); nil for files and pipes. Lets
    /// small inputs use small buffers.
    var expectedByteCount: Int? { get }
}

/// ByteSink is where encryption and decryption write to.
public protocol ByteSink {
    /// Writes all of `bytes`.
    mutating func write(_ bytes: UnsafeRawBufferPointer) throws(EnvelopeError)
}

extension ByteSource {
    public var expectedByteCount: Int? { nil }

    /// Reads until `buffer` is full or the input ends; returns how many bytes were read.
    mutating func readFully(into buffer: UnsafeMutableRawBufferPointer) throws(EnvelopeError) -> Int {
        var total = 0
        while total < buffer.count {
            let count = try read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[total...]))
            if count == 0 { break }
            total += count
        }
        return total
    }
}

/// BytesSource reads from an array in memory.
public struct BytesSource: ByteSource {
    private let bytes: [UInt8]
    private var offset = 0

    public init(_ bytes: [UInt8]) { self.bytes = bytes }

    public var expectedByteCount: Int? { bytes.count - offset }

    public mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws(EnvelopeError) -> Int {
        let count = min(buffer.count, bytes.count - offset)
        guard count > 0 else { return 0 }
        bytes.withUnsafeBytes { source in
            buffer.baseAddress!.copyMemory(from: source.baseAddress! + offset, byteCount: count)
        }
        offset += count
        return count
    }
}

/// BytesSink collects everything written to it in memory.
public struct BytesSink: ByteSink {
    public private(set) var bytes: [UInt8] = []

    public init(reservingCapacity capacity: Int = 0) { bytes.reserveCapacity(capacity) }

    public mutating func write(_ bytes: UnsafeRawBufferPointer) throws(EnvelopeError) {
        self.bytes.append(contentsOf: bytes)
    }
}

/// FileDescriptorSource reads from an open file descriptor it does not own.
public struct FileDescriptorSource: ByteSource {
    public let descriptor: Int32
    public let name: String

    public init(descriptor: Int32, name: String) {
        self.descriptor = descriptor
        self.name = name
    }

    public mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws(EnvelopeError) -> Int {
        while true {
            let count = posixRead(descriptor, buffer.baseAddress!, buffer.count)
            if count >= 0 { return count }
            if errno == EINTR { continue }
            throw EnvelopeError(.io, "cannot read \(name): \(String(cString: strerror(errno)).lowercased())")
        }
    }
}

/// FileDescriptorSink writes to an open file descriptor it does not own.
public struct FileDescriptorSink: ByteSink {
    public let descriptor: Int32
    public let name: String

    public init(descriptor: Int32, name: String) {
        self.descriptor = descriptor
        self.name = name
    }

    public mutating func write(_ bytes: UnsafeRawBufferPointer) throws(EnvelopeError) {
        let failure = FilePath.writeAll(descriptor, bytes)
        guard failure == 0 else {
            throw EnvelopeError(.io, "cannot write \(name): \(String(cString: strerror(failure)).lowercased())")
        }
    }
}

private func posixRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int { read(fd, buffer, count) }
