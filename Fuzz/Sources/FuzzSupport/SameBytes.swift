#if canImport(Glibc)
import Glibc
#endif

/// Whether `bytes` holds exactly `expected`, compared with memcmp: Array's `==` inlined into an
/// instrumented target would trace every byte for the fuzzer, a cost per byte of plaintext.
public func sameBytes(_ bytes: [UInt8]?, _ expected: [UInt8]) -> Bool {
    guard let bytes, bytes.count == expected.count else { return false }
    return bytes.withUnsafeBytes { a in
        expected.withUnsafeBytes { b in a.count == 0 || memcmp(a.baseAddress!, b.baseAddress!, a.count) == 0 }
    }
}
