import ActorKeys
import CSodium
import Testing

@testable import Envelope

@Suite("primitives against their RFC vectors")
struct PrimitivesTests {
    @Test("HMAC-SHA-256, RFC 4231 test case 2")
    func hmac() {
        let key = Array("Jefe".utf8)
        let message = Array("what do ya want for nothing?".utf8)
        let mac = key.withUnsafeBytes { k in message.withUnsafeBytes { Primitives.hmacSHA256(key: k, message: $0) } }
        #expect(Hex.encode(mac) == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    }

    @Test("HKDF-SHA-256, RFC 5869 test case 3 (empty salt and info), first 32 bytes")
    func hkdf() {
        let ikm = [UInt8](repeating: 0x0b, count: 22)
        let okm = ikm.withUnsafeBytes {
            Primitives.hkdf(ikm: $0, salt: UnsafeRawBufferPointer(start: nil, count: 0), info: "")
        }
        #expect(
            okm.withUnsafeBytes { Hex.encode($0) } == "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d"
        )
    }

    @Test("HMAC keys and messages of every length (keys hashed above the block size) match libsodium's HMAC")
    func matchesLibsodium() {
        for keyLength in [0, 1, 32, 63, 64, 65, 200] {
            for messageLength in [0, 1, 55, 56, 64, 300] {
                let key = pattern(keyLength, seed: 9)
                let message = pattern(messageLength, seed: 10)
                let ours = key.withUnsafeBytes { k in
                    message.withUnsafeBytes { Primitives.hmacSHA256(key: k, message: $0) }
                }
                var state = crypto_auth_hmacsha256_state()
                var theirs = [UInt8](repeating: 0, count: 32)
                crypto_auth_hmacsha256_init(&state, key, keyLength)
                crypto_auth_hmacsha256_update(&state, message, UInt64(messageLength))
                crypto_auth_hmacsha256_final(&state, &theirs)
                #expect(ours == theirs, "key \(keyLength) bytes, message \(messageLength) bytes")
            }
        }
    }
}
