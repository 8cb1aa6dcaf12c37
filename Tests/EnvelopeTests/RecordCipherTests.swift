import CSodium
import Testing

@testable import Envelope

@Suite("record cipher: XChaCha20-Poly1305 as libsodium computes it")
struct RecordCipherTests {
    // Both sides of the libsodium/OpenSSL switch at RecordCipher.openSSLThreshold.
    static let sizes = [0, 1, 15, 16, 63, 64, 65, 255, 1024, 2047, 2048, 2049, 4096 + 3, 1 << 20]

    @Test("our seal equals libsodium's, and each opens what the other sealed", arguments: sizes, [0, 1, 33, 300])
    func matchesLibsodium(size: Int, aadLength: Int) {
        let key = pattern(32, seed: 1)
        let nonce = pattern(24, seed: UInt8(truncatingIfNeeded: size))
        let plaintext = pattern(size, seed: 3)
        let aad = pattern(aadLength, seed: 4)

        var ours = [UInt8](repeating: 0, count: size + 16)
        key.withUnsafeBytes { k in
            nonce.withUnsafeBytes { n in
                plaintext.withUnsafeBytes { p in
                    aad.withUnsafeBytes { a in
                        ours.withUnsafeMutableBytes { o in
                            RecordCipher.seal(p, into: o.baseAddress!, key: k, nonce: n.baseAddress!, associatedData: a)
                        }
                    }
                }
            }
        }

        var theirs = [UInt8](repeating: 0, count: size + 16)
        var theirLength: UInt64 = 0
        let status = crypto_aead_xchacha20poly1305_ietf_encrypt(
            &theirs, &theirLength, plaintext, UInt64(size), aad, UInt64(aadLength), nil, nonce, key)
        #expect(status == 0 && Int(theirLength) == size + 16)
        #expect(ours == theirs)

        // Open theirs with ours.
        var opened = [UInt8](repeating: 0, count: size)
        let verified = key.withUnsafeBytes { k in
            nonce.withUnsafeBytes { n in
                theirs.withUnsafeBytes { s in
                    aad.withUnsafeBytes { a in
                        opened.withUnsafeMutableBytes { o in
                            RecordCipher.open(
                                s, into: o.baseAddress ?? UnsafeMutableRawPointer(bitPattern: 8)!, key: k,
                                nonce: n.baseAddress!, associatedData: a)
                        }
                    }
                }
            }
        }
        #expect(verified && opened == plaintext)

        // Any altered byte fails, and the output is wiped.
        if size > 0 {
            var altered = theirs
            altered[size / 2] ^= 1
            var garbage = [UInt8](repeating: 0xAA, count: size)
            let accepted = key.withUnsafeBytes { k in
                nonce.withUnsafeBytes { n in
                    altered.withUnsafeBytes { s in
                        aad.withUnsafeBytes { a in
                            garbage.withUnsafeMutableBytes { o in
                                RecordCipher.open(
                                    s, into: o.baseAddress!, key: k, nonce: n.baseAddress!, associatedData: a)
                            }
                        }
                    }
                }
            }
            #expect(!accepted)
            // libsodium leaves its output untouched on failure; OpenSSL's is wiped: none leaks.
            #expect(garbage.allSatisfy { $0 == 0 } || garbage.allSatisfy { $0 == 0xAA })
        }
    }

    @Test("threads each use their own context without interfering")
    func concurrentUse() async {
        await withTaskGroup(of: Bool.self) { group in
            for worker in 0..<8 {
                group.addTask {
                    for round in 0..<200 {
                        let key = pattern(32, seed: UInt8(worker))
                        let nonce = pattern(24, seed: UInt8(truncatingIfNeeded: round))
                        let plaintext = pattern(100 + worker, seed: UInt8(round & 0xFF))
                        var sealed = [UInt8](repeating: 0, count: plaintext.count + 16)
                        var reference = sealed
                        var length: UInt64 = 0
                        _ = crypto_aead_xchacha20poly1305_ietf_encrypt(
                            &reference, &length, plaintext, UInt64(plaintext.count), nil, 0, nil, nonce, key)
                        key.withUnsafeBytes { k in
                            nonce.withUnsafeBytes { n in
                                plaintext.withUnsafeBytes { p in
                                    sealed.withUnsafeMutableBytes { o in
                                        RecordCipher.seal(
                                            p, into: o.baseAddress!, key: k, nonce: n.baseAddress!,
                                            associatedData: UnsafeRawBufferPointer(start: nil, count: 0))
                                    }
                                }
                            }
                        }
                        if sealed != reference { return false }
                    }
                    return true
                }
            }
            for await matched in group { #expect(matched) }
        }
    }
}
