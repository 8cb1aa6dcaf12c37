import ActorKeys

@testable import Envelope

/// The edge cases of the mlkem768x25519 recipient type (C2SP age.md), rebuilt from the
/// specification's rules: each names the failure class it must produce, kept as distinct as the
/// X25519 ones (a header failure, no match, a bad MAC, a payload failure).
enum HybridVectors {
    static let identities: [any Identity] = [TestFile.hybridIdentity]

    /// A file around `build`'s stanzas with an "age" payload, for the hybrid identity.
    static func vector(
        _ name: String, identities: [any Identity] = identities, expect: Vector.Expect,
        payload: (inout TestFile) -> Void = { $0.chunk(Vector.age, last: true) },
        mac: (inout TestFile) -> Void = { $0.macLine() }, stanzas build: (inout TestFile) -> Void
    ) -> Vector {
        var file = TestFile()
        file.versionLine()
        build(&file)
        mac(&file)
        file.nonce()
        payload(&file)
        return Vector(name: name, file: file.bytes, identities: identities, expect: expect)
    }

    /// An X25519 point of order 8 (the same as the X25519 vectors use).
    static let lowOrderPoint = X25519Vectors.lowOrderPoint

    static let all: [Vector] = [
        vector("mlkem768x25519", expect: .success(Vector.age)) { $0.hybrid() },
        vector("mlkem768x25519_multiple_recipients", expect: .success(Vector.age)) {
            $0.hybrid(to: TestFile.otherHybridIdentity.recipient)
            $0.hybrid()
        },
        vector(
            "mlkem768x25519_second_identity", identities: [TestFile.otherHybridIdentity, TestFile.hybridIdentity],
            expect: .success(Vector.age)
        ) { $0.hybrid() },
        vector("mlkem768x25519_grease", expect: .success(Vector.age)) {
            $0.argsLine("grease")
            $0.body([])
            $0.hybrid()
            $0.argsLine("grease", "x")
            $0.body(pattern(10))
        },
        // Decryption has no mixing rule (the spec's rule binds encryption): a hybrid identity
        // opens its stanza next to an X25519 one, and the X25519 identity opens its own.
        vector("mlkem768x25519_next_to_x25519", expect: .success(Vector.age)) {
            $0.x25519()
            $0.hybrid()
        },
        vector("x25519_next_to_mlkem768x25519", identities: [TestFile.identity], expect: .success(Vector.age)) {
            $0.hybrid()
            $0.x25519()
        },
        vector(
            "mlkem768x25519_no_match", identities: [TestFile.otherHybridIdentity], expect: Vector.noMatch
        ) { $0.hybrid() },
        vector("mlkem768x25519_x25519_identity", identities: [TestFile.identity], expect: Vector.noMatch) {
            $0.hybrid()
        },
        vector("x25519_hybrid_identity", expect: Vector.noMatch) { $0.x25519() },
        vector("mlkem768x25519_bad_tag", expect: Vector.noMatch) {
            $0.hybrid(mutateBody: { $0[$0.count - 1] ^= 0xFF })
        },
        // ML-KEM rejects implicitly: an altered ciphertext decapsulates to another secret, and the
        // stanza simply does not open.
        vector("mlkem768x25519_altered_mlkem_ciphertext", expect: Vector.noMatch) {
            $0.hybrid(mutateEncapsulation: { $0[100] ^= 0x01 })
        },
        vector("mlkem768x25519_altered_x25519_share", expect: Vector.noMatch) {
            $0.hybrid(mutateEncapsulation: { $0[1100] ^= 0x01 })
        },
        vector("mlkem768x25519_uppercase_type", expect: Vector.noMatch) {
            $0.hybrid(mutateArguments: { $0[0] = "MLKEM768X25519" })
        },
        vector("mlkem768x25519_low_order_x25519_share", expect: Vector.header) {
            $0.hybrid(mutateEncapsulation: { $0.replaceSubrange(1088..<1120, with: lowOrderPoint) })
        },
        vector("mlkem768x25519_zero_x25519_share", expect: Vector.header) {
            $0.hybrid(mutateEncapsulation: { $0.replaceSubrange(1088..<1120, with: [UInt8](repeating: 0, count: 32)) })
        },
        vector("mlkem768x25519_extra_argument", expect: Vector.header) {
            $0.hybrid(mutateArguments: { $0.append("1234") })
        },
        vector("mlkem768x25519_missing_argument", expect: Vector.header) {
            $0.hybrid(mutateArguments: { $0.removeLast() })
        },
        vector("mlkem768x25519_long_encapsulation", expect: Vector.header) {
            $0.hybrid(mutateEncapsulation: { $0.append(0) })
        },
        vector("mlkem768x25519_short_encapsulation", expect: Vector.header) {
            $0.hybrid(mutateEncapsulation: { $0.removeLast() })
        },
        vector("mlkem768x25519_x25519_sized_encapsulation", expect: Vector.header) {
            $0.hybrid(mutateEncapsulation: { $0 = Array($0.suffix(32)) })
        },
        vector("mlkem768x25519_not_canonical_encapsulation", expect: Vector.header) {
            $0.hybrid(mutateArguments: { $0[1] = TestFile.notCanonical($0[1]) })
        },
        vector("mlkem768x25519_padded_encapsulation", expect: Vector.header) {
            $0.hybrid(mutateArguments: { $0[1] += "=" })
        },
        vector("mlkem768x25519_long_file_key", expect: Vector.header) {
            $0.hybrid(fileKey: Array("A LONGER YELLOW SUBMARINE".utf8))
        },
        vector("mlkem768x25519_short_body", expect: Vector.header) { $0.hybrid(mutateBody: { $0.removeLast() }) },
        vector("mlkem768x25519_long_body", expect: Vector.header) { $0.hybrid(mutateBody: { $0.append(0) }) },
        // A bad stanza is refused even when a later one would open: rules before keys.
        vector("mlkem768x25519_bad_stanza_first", expect: Vector.header) {
            $0.hybrid(to: TestFile.otherHybridIdentity.recipient, mutateBody: { $0.removeLast() })
            $0.hybrid()
        },
        vector(
            "mlkem768x25519_hmac_bad", expect: .failure(.badHeaderMAC),
            mac: { $0.macLine(fileKey: [UInt8](repeating: 0, count: 16)) }, stanzas: { $0.hybrid() }),
        vector(
            "mlkem768x25519_payload_altered", expect: Vector.payload,
            payload: { file in
                file.chunk(Vector.age, last: true)
                file.bytes[file.bytes.count - 1] ^= 0x01
            }, stanzas: { $0.hybrid() }),
        vector(
            "mlkem768x25519_payload_not_last", expect: Vector.payload, payload: { $0.chunk(Vector.age, last: false) },
            stanzas: { $0.hybrid() }),
    ]
}
