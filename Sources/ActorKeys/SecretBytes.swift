internal import CSodium

/// SecretBytes owns secret key material and zeroes it when released.
///
/// The bytes are written once, inside the initializer, and are immutable afterwards, which is
/// what makes sharing an instance between tasks safe. Read them with `withUnsafeBytes` and never
/// let the pointer escape the closure. `description`, `debugDescription` and the mirror show only
/// the length, so a secret cannot reach a log or an error message by interpolation.
public final class SecretBytes: @unchecked Sendable {
    @usableFromInline let _storage: UnsafeMutableRawBufferPointer

    /// Creates `count` bytes filled by `initialize`; the bytes are zeroed if it throws.
    public init(
        count: Int,
        initializingWith initialize: (UnsafeMutableRawBufferPointer) throws -> Void
    ) rethrows {
        precondition(count >= 0, "negative secret length")
        _storage = .allocate(byteCount: max(count, 1), alignment: 16)
        _storage.initializeMemory(as: UInt8.self, repeating: 0)
        do {
            try initialize(UnsafeMutableRawBufferPointer(rebasing: _storage[0..<count]))
        } catch {
            Self.release(_storage)
            throw error
        }
        self.count = count
    }

    /// Creates a copy of `bytes`. The caller remains responsible for zeroing its own copy.
    public convenience init(copying bytes: UnsafeRawBufferPointer) {
        self.init(count: bytes.count) { $0.copyMemory(from: bytes) }
    }

    /// Creates a copy of `bytes`. The caller remains responsible for zeroing its own copy.
    public convenience init(copying bytes: [UInt8]) {
        self.init(count: bytes.count) { target in bytes.withUnsafeBytes { target.copyMemory(from: $0) } }
    }

    /// Returns `count` bytes from the operating system's CSPRNG (libsodium `randombytes_buf`).
    public static func random(count: Int) -> SecretBytes {
        Sodium.ensureInitialized()
        return SecretBytes(count: count) { buffer in
            if let base = buffer.baseAddress { randombytes_buf(base, buffer.count) }
        }
    }

    /// The number of secret bytes.
    public let count: Int

    /// Calls `body` with a read-only view of the secret. The pointer must not escape.
    @inlinable
    public func withUnsafeBytes<Result, Failure: Error>(
        _ body: (UnsafeRawBufferPointer) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        try body(UnsafeRawBufferPointer(rebasing: _storage[0..<count]))
    }

    /// Compares two secrets in constant time (for equal lengths).
    public func constantTimeEquals(_ other: SecretBytes) -> Bool {
        withUnsafeBytes { mine in other.withUnsafeBytes { theirs in ConstantTime.equal(mine, theirs) } }
    }

    deinit {
        Self.release(_storage)
    }

    private static func release(_ storage: UnsafeMutableRawBufferPointer) {
        sodium_memzero(storage.baseAddress!, storage.count)
        storage.deallocate()
    }
}

extension SecretBytes: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String { "SecretBytes(\(count) bytes, redacted)" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["count": count]) }
}

extension SecretBytes {
    /// Zeroes memory that held secret material and is about to be released (libsodium's
    /// `sodium_memzero`, which the compiler cannot optimize away).
    public static func zero(_ buffer: UnsafeMutableRawBufferPointer) {
        if let base = buffer.baseAddress { sodium_memzero(base, buffer.count) }
    }
}

/// Zeroes an array that held secret material, in place. Used for short-lived intermediates
/// (decoded Bech32 groups, file contents) before they are released.
func zeroize(_ bytes: inout [UInt8]) {
    bytes.withUnsafeMutableBytes { buffer in
        if let base = buffer.baseAddress { sodium_memzero(base, buffer.count) }
    }
}
