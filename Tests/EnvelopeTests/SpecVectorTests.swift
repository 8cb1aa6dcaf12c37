import ActorKeys
import Foundation
import Testing

@testable import Envelope

/// The edge cases of the age specification, one per class of age's testkit, built from scratch
/// with TestFile. Each names the failure class it must produce; a decoder that is lax anywhere
/// (non-canonical base64, a missing final line, a low-order share, an empty last chunk…) fails
/// one of them.
struct Vector: Sendable, CustomTestStringConvertible {
    enum Expect: Sendable, Equatable, CustomStringConvertible {
        case success([UInt8])
        case failure(EnvelopeError.Code)

        var description: String {
            switch self {
            case .success(let bytes): "success (\(bytes.count) bytes)"
            case .failure(let code): "failure \(code)"
            }
        }
    }

    let name: String
    let file: [UInt8]
    var identities: [any Identity] = [TestFile.identity]
    var format: Age.Format = .binary
    let expect: Expect

    var testDescription: String { name }

    static let age = Array("age".utf8)
    static let header: Expect = .failure(.malformedHeader)
    static let noMatch: Expect = .failure(.noIdentityMatched)
    static let payload: Expect = .failure(.malformedPayload)
    static let armor: Expect = .failure(.malformedArmor)
}

/// A well-formed file around a custom header middle part, with an "age" payload.
private func file(_ build: (inout TestFile) -> Void, mac: Bool = true) -> [UInt8] {
    var file = TestFile()
    file.versionLine()
    build(&file)
    if mac { file.macLine() }
    file.nonce()
    file.chunk(Vector.age, last: true)
    return file.bytes
}

private func scryptIdentity(_ passphrase: String = "password") -> [any Identity] {
    [ScryptIdentity(passphrase: SecretBytes(copying: Array(passphrase.utf8)))]
}

enum HeaderVectors {
    static let all: [Vector] = [
        Vector(name: "empty", file: [], expect: Vector.header),
        Vector(
            name: "version_unsupported",
            file: {
                var f = TestFile()
                f.versionLine("v1234")
                f.x25519()
                f.macLine()
                f.nonce()
                f.chunk(Vector.age, last: true)
                return f.bytes
            }(), expect: Vector.header),
        Vector(name: "not_age", file: Array("hello world\n".utf8), expect: Vector.header),
        Vector(
            name: "header_crlf",
            file: {
                var f = TestFile()
                f.text("age-encryption.org/v1\r\n")
                let (args, body) = f.x25519Stanza(to: TestFile.identity.recipient, share: nil, fileKey: nil)
                f.text((["->"] + args).joined(separator: " ") + "\r\n")
                f.text(Base64.encodeUnpadded(body) + "\r\n")
                f.text("--- " + Base64.encodeUnpadded(f.mac()) + "\r\n")
                f.nonce()
                f.chunk(Vector.age, last: true)
                return f.bytes
            }(), expect: Vector.header),
        Vector(
            name: "hmac_bad",
            file: {
                var f = TestFile()
                f.versionLine()
                f.x25519()
                f.macLine(fileKey: [UInt8](repeating: 0, count: 16))
                f.nonce()
                f.chunk(Vector.age, last: true)
                return f.bytes
            }(), expect: .failure(.badHeaderMAC)),
        Vector(
            name: "hmac_missing",
            file: file(
                {
                    $0.x25519()
                    $0.line("--- ")
                }, mac: false), expect: Vector.header),
        Vector(
            name: "hmac_no_space",
            file: file(
                { f in
                    f.x25519()
                    f.line("---" + Base64.encodeUnpadded(f.mac()))
                }, mac: false), expect: Vector.header),
        Vector(
            name: "hmac_extra_space",
            file: file(
                { f in
                    f.x25519()
                    f.line("---  " + Base64.encodeUnpadded(f.mac()))
                }, mac: false), expect: Vector.header),
        Vector(
            name: "hmac_trailing_space",
            file: file(
                { f in
                    f.x25519()
                    f.line("--- " + Base64.encodeUnpadded(f.mac()) + " ")
                }, mac: false), expect: Vector.header),
        Vector(
            name: "hmac_garbage",
            file: file(
                { f in
                    f.x25519()
                    f.line("--- " + Base64.encodeUnpadded(f.mac()) + "AAA")
                }, mac: false), expect: Vector.header),
        Vector(
            name: "hmac_truncated",
            file: file(
                { f in
                    f.x25519()
                    f.line("--- " + Base64.encodeUnpadded(f.mac()).prefix(4))
                }, mac: false), expect: Vector.header),
        Vector(
            name: "hmac_not_canonical",
            file: file(
                { f in
                    f.x25519()
                    f.line("--- " + TestFile.notCanonical(Base64.encodeUnpadded(f.mac())))
                }, mac: false), expect: Vector.header),
        Vector(name: "no_stanzas", file: file({ _ in }), expect: Vector.header),
        Vector(
            name: "stanza_bad_start",
            file: file({
                $0.x25519()
                $0.line("-- stanza")
                $0.line("")
            }), expect: Vector.header),
        Vector(
            name: "stanza_base64_padding",
            file: file({ f in
                f.x25519()
                f.argsLine("stanza")
                f.line(Base64.encodeUnpadded([UInt8](repeating: 0x41, count: 50)) + "=")
            }), expect: Vector.header),
        Vector(
            name: "stanza_empty_argument",
            file: file({
                $0.x25519()
                $0.argsLine("stanza", "", "argument")
                $0.body([])
            }), expect: Vector.header),
        Vector(
            name: "stanza_trailing_space",
            file: file({
                $0.x25519()
                $0.line("-> stanza ")
                $0.body([])
            }), expect: Vector.header),
        Vector(
            name: "stanza_empty_body",
            file: file({
                $0.argsLine("empty")
                $0.body([])
                $0.x25519()
            }), expect: .success(Vector.age)),
        Vector(
            name: "stanza_empty_last_line",
            file: file({
                $0.argsLine("full")
                $0.body(pattern(96))
                $0.x25519()
            }), expect: .success(Vector.age)),
        Vector(
            name: "stanza_invalid_character",
            file: file({
                $0.x25519()
                $0.argsLine("stanza", "è")
                $0.body([])
            }), expect: Vector.header),
        Vector(
            name: "stanza_long_line",
            file: file({
                $0.x25519()
                $0.argsLine("stanza")
                $0.line(String(repeating: "A", count: 68))
                $0.line("")
            }), expect: Vector.header),
        Vector(
            name: "stanza_missing_body",
            file: file({
                $0.x25519()
                $0.argsLine("empty")
            }), expect: Vector.header),
        Vector(
            name: "stanza_missing_final_line",
            file: file({
                $0.x25519()
                $0.argsLine("stanza")
                $0.line(String(repeating: "A", count: 64))
            }), expect: Vector.header),
        Vector(
            name: "stanza_multiple_short_lines",
            file: file({
                $0.x25519()
                $0.argsLine("stanza")
                $0.line(String(repeating: "A", count: 32))
                $0.line(String(repeating: "A", count: 32))
            }), expect: Vector.header),
        Vector(
            name: "stanza_no_arguments",
            file: file({
                $0.x25519()
                $0.line("->")
                $0.body([])
            }), expect: Vector.header),
        Vector(
            name: "stanza_not_canonical",
            file: file({ f in
                f.x25519()
                f.argsLine("stanza")
                f.line(TestFile.notCanonical(Base64.encodeUnpadded(pattern(50))))
            }), expect: Vector.header),
        Vector(
            name: "stanza_spurious_cr",
            file: file({
                $0.x25519()
                $0.argsLine("stanza")
                $0.line(String(repeating: "A", count: 32) + "\r" + String(repeating: "A", count: 31))
            }), expect: Vector.header),
        Vector(
            name: "stanza_valid_characters",
            file: file({ f in
                let visible = (0x21...0x7E).map { String(UnicodeScalar(UInt8($0))) }.joined()
                f.argsLine(String(visible.prefix(47)), String(visible.dropFirst(47)))
                f.body([])
                f.x25519()
            }), expect: .success(Vector.age)),
    ]
}

enum X25519Vectors {
    static let lowOrderPoint = Hex.decode("5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f11d7")!

    static let all: [Vector] = [
        Vector(name: "x25519", file: file({ $0.x25519() }), expect: .success(Vector.age)),
        Vector(
            name: "x25519_multiple_recipients",
            file: file({
                $0.x25519(to: TestFile.otherIdentity.recipient)
                $0.x25519()
            }), expect: .success(Vector.age)),
        Vector(
            name: "x25519_second_identity", file: file({ $0.x25519() }),
            identities: [TestFile.otherIdentity, TestFile.identity], expect: .success(Vector.age)),
        Vector(
            name: "x25519_grease",
            file: file({
                $0.argsLine("grease")
                $0.body([])
                $0.x25519()
                $0.argsLine("grease", "x")
                $0.body(pattern(10))
            }), expect: .success(Vector.age)),
        Vector(
            name: "x25519_no_match", file: file({ $0.x25519() }), identities: [TestFile.otherIdentity],
            expect: Vector.noMatch),
        Vector(
            name: "x25519_bad_tag", file: file({ $0.x25519(mutateBody: { $0[$0.count - 1] ^= 0xFF }) }),
            expect: Vector.noMatch),
        Vector(
            name: "x25519_lowercase", file: file({ $0.x25519(mutateArguments: { $0[0] = "x25519" }) }),
            expect: Vector.noMatch),
        Vector(
            name: "x25519_extra_argument", file: file({ $0.x25519(mutateArguments: { $0.append("1234") }) }),
            expect: Vector.header),
        Vector(
            name: "x25519_missing_argument", file: file({ $0.x25519(mutateArguments: { $0.removeLast() }) }),
            expect: Vector.header),
        Vector(
            name: "x25519_identity", file: file({ $0.x25519(share: [UInt8](repeating: 0, count: 32)) }),
            expect: Vector.header),
        Vector(name: "x25519_low_order", file: file({ $0.x25519(share: lowOrderPoint) }), expect: Vector.header),
        Vector(
            name: "x25519_long_share",
            file: file({ f in
                f.x25519(mutateArguments: { $0[1] = Base64.encodeUnpadded(Base64.decodeUnpadded($0[1])! + [0]) })
            }), expect: Vector.header),
        Vector(
            name: "x25519_short_share",
            file: file({ f in
                f.x25519(mutateArguments: {
                    $0[1] = Base64.encodeUnpadded(Array(Base64.decodeUnpadded($0[1])!.prefix(31)))
                })
            }), expect: Vector.header),
        Vector(
            name: "x25519_not_canonical_share",
            file: file({ $0.x25519(mutateArguments: { $0[1] = TestFile.notCanonical($0[1]) }) }), expect: Vector.header),
        Vector(
            name: "x25519_not_canonical_body",
            file: file({ f in
                let (args, body) = f.x25519Stanza(to: TestFile.identity.recipient, share: nil, fileKey: nil)
                f.line((["->"] + args).joined(separator: " "))
                f.line(TestFile.notCanonical(Base64.encodeUnpadded(body)))
            }), expect: Vector.header),
        Vector(
            name: "x25519_long_file_key", file: file({ $0.x25519(fileKey: Array("A LONGER YELLOW SUBMARINE".utf8)) }),
            expect: Vector.header),
        Vector(
            name: "x25519_short_body", file: file({ $0.x25519(mutateBody: { $0.removeLast() }) }), expect: Vector.header
        ),
    ]
}

enum ScryptVectors {
    static func factor(_ text: String, encryptedWith workFactor: Int = 10) -> [UInt8] {
        file({ $0.scrypt(workFactor: workFactor, mutateArguments: { $0[2] = text }) })
    }

    static let all: [Vector] = [
        Vector(name: "scrypt", file: file({ $0.scrypt() }), identities: scryptIdentity(), expect: .success(Vector.age)),
        Vector(
            name: "scrypt_and_x25519",
            file: file({
                $0.x25519()
                $0.scrypt()
            }), identities: [TestFile.identity], expect: Vector.header),
        Vector(
            name: "scrypt_and_x25519_passphrase",
            file: file({
                $0.x25519()
                $0.scrypt()
            }), identities: scryptIdentity(), expect: Vector.header),
        Vector(
            name: "scrypt_double",
            file: file({
                $0.scrypt()
                $0.scrypt(passphrase: "hunter2")
            }), identities: scryptIdentity(), expect: Vector.header),
        Vector(
            name: "scrypt_bad_tag", file: file({ $0.scrypt(mutateBody: { $0[$0.count - 1] ^= 0xFF }) }),
            identities: scryptIdentity(), expect: Vector.noMatch),
        Vector(
            name: "scrypt_no_match", file: file({ $0.scrypt() }), identities: scryptIdentity("wrong"),
            expect: Vector.noMatch),
        Vector(
            name: "scrypt_uppercase", file: file({ $0.scrypt(mutateArguments: { $0[0] = "Scrypt" }) }),
            identities: scryptIdentity(), expect: Vector.noMatch),
        Vector(
            name: "scrypt_work_factor_wrong", file: factor("10", encryptedWith: 11), identities: scryptIdentity(),
            expect: Vector.noMatch),
        Vector(
            name: "scrypt_extra_argument", file: file({ $0.scrypt(mutateArguments: { $0.append("10") }) }),
            identities: scryptIdentity(), expect: Vector.header),
        Vector(
            name: "scrypt_long_file_key", file: file({ $0.scrypt(fileKey: Array("A LONGER YELLOW SUBMARINE".utf8)) }),
            identities: scryptIdentity(), expect: Vector.header),
        Vector(
            name: "scrypt_not_canonical_salt",
            file: file({ $0.scrypt(mutateArguments: { $0[1] = TestFile.notCanonical($0[1]) }) }),
            identities: scryptIdentity(), expect: Vector.header),
        Vector(
            name: "scrypt_salt_long", file: file({ $0.scrypt(salt: pattern(20)) }), identities: scryptIdentity(),
            expect: Vector.header),
        Vector(
            name: "scrypt_salt_short", file: file({ $0.scrypt(salt: pattern(12)) }), identities: scryptIdentity(),
            expect: Vector.header),
        Vector(
            name: "scrypt_salt_missing", file: file({ $0.scrypt(mutateArguments: { $0.remove(at: 1) }) }),
            identities: scryptIdentity(), expect: Vector.header),
        Vector(name: "scrypt_work_factor_23", file: factor("23"), identities: scryptIdentity(), expect: Vector.header),
        Vector(
            name: "scrypt_work_factor_hex", file: factor("0xa"), identities: scryptIdentity(), expect: Vector.header),
        Vector(
            name: "scrypt_work_factor_trailing_garbage", file: factor("10aaaa"), identities: scryptIdentity(),
            expect: Vector.header),
        Vector(
            name: "scrypt_work_factor_leading_plus", file: factor("+10"), identities: scryptIdentity(),
            expect: Vector.header),
        Vector(
            name: "scrypt_work_factor_leading_zero_decimal", file: factor("010"), identities: scryptIdentity(),
            expect: Vector.header),
        Vector(
            name: "scrypt_work_factor_missing", file: file({ $0.scrypt(mutateArguments: { $0.removeLast() }) }),
            identities: scryptIdentity(), expect: Vector.header),
        Vector(
            name: "scrypt_work_factor_negative", file: factor("-10"), identities: scryptIdentity(),
            expect: Vector.header),
        Vector(
            name: "scrypt_work_factor_overflow", file: factor("9223372036854775818"), identities: scryptIdentity(),
            expect: Vector.header),
        Vector(name: "scrypt_work_factor_zero", file: factor("0"), identities: scryptIdentity(), expect: Vector.header),
        Vector(
            name: "scrypt_ignored_by_x25519", file: file({ $0.scrypt() }), identities: [TestFile.identity],
            expect: Vector.noMatch),
    ]
}

enum StreamVectors {
    static let full = pattern(Stream.chunkSize)

    /// A valid header, the nonce, then chunks given as (plaintext, last flag).
    static func stream(_ chunks: [([UInt8], Bool)], tail: (inout [UInt8]) -> Void = { _ in }) -> [UInt8] {
        var f = TestFile.standardHeader()
        for (plaintext, last) in chunks { f.chunk(plaintext, last: last) }
        tail(&f.bytes)
        return f.bytes
    }

    static let all: [Vector] = [
        Vector(name: "stream_empty_payload", file: stream([([], true)]), expect: .success([])),
        Vector(
            name: "stream_two_chunks", file: stream([(full, false), (Vector.age, true)]),
            expect: .success(full + Vector.age)),
        Vector(
            name: "stream_three_chunks", file: stream([(full, false), (full, false), (full, true)]),
            expect: .success(full + full + full)),
        Vector(name: "stream_last_chunk_full", file: stream([(full, true)]), expect: .success(full)),
        Vector(
            name: "stream_last_chunk_full_second", file: stream([(full, false), (full, true)]),
            expect: .success(full + full)),
        Vector(
            name: "stream_bad_tag", file: stream([(Vector.age, true)]) { $0[$0.count - 1] ^= 0x20 },
            expect: Vector.payload),
        Vector(
            name: "stream_bad_tag_second_chunk",
            file: stream([(full, false), (Vector.age, true)]) { $0[$0.count - 1] ^= 0x20 }, expect: Vector.payload),
        Vector(
            name: "stream_bad_tag_second_chunk_full",
            file: stream([(full, false), (full, true)]) { $0[$0.count - 1] ^= 0x20 }, expect: Vector.payload),
        Vector(name: "stream_last_chunk_empty", file: stream([(full, false), ([], true)]), expect: Vector.payload),
        Vector(
            name: "stream_missing_tag", file: stream([(Vector.age, true)]) { $0.removeLast(16) }, expect: Vector.payload
        ),
        Vector(name: "stream_no_chunks", file: stream([]), expect: Vector.payload),
        Vector(name: "stream_no_final", file: stream([([1], false)]), expect: Vector.payload),
        Vector(name: "stream_no_final_full", file: stream([(full, false)]), expect: Vector.payload),
        Vector(
            name: "stream_no_final_two_chunks", file: stream([(full, false), ([1], false)]), expect: Vector.payload),
        Vector(
            name: "stream_no_final_two_chunks_full", file: stream([(full, false), (full, false)]),
            expect: Vector.payload),
        Vector(name: "stream_short_chunk", file: stream([]) { $0 += pattern(12) }, expect: Vector.payload),
        Vector(
            name: "stream_short_second_chunk", file: stream([(full, false)]) { $0 += pattern(12) },
            expect: Vector.payload),
        Vector(
            name: "stream_trailing_garbage_long", file: stream([(full, true)]) { $0 += pattern(20) },
            expect: Vector.payload),
        Vector(
            name: "stream_trailing_garbage_short", file: stream([(full, true)]) { $0 += pattern(12) },
            expect: Vector.payload),
        Vector(
            name: "stream_two_final_chunks", file: stream([(full, true), (Vector.age, true)]), expect: Vector.payload),
        Vector(
            name: "stream_two_final_chunks_full", file: stream([(full, true), (full, true)]), expect: Vector.payload),
        Vector(
            name: "stream_two_final_chunks_second", file: stream([(full, false), (full, true), ([1], true)]),
            expect: Vector.payload),
        Vector(
            name: "stream_two_final_chunks_short", file: stream([([1], true), ([1], true)]), expect: Vector.payload),
        Vector(
            name: "stream_reordered_chunks",
            file: {
                var f = TestFile.standardHeader()
                let start = f.bytes.count
                f.chunk(full, last: false)
                f.chunk(pattern(100, seed: 9), last: true)
                let first = Array(f.bytes[start..<(start + Stream.sealedChunkSize)])
                let second = Array(f.bytes[(start + Stream.sealedChunkSize)...])
                return Array(f.bytes[..<start]) + second + first
            }(), expect: Vector.payload),
        Vector(
            name: "stream_no_nonce",
            file: {
                var f = TestFile()
                f.versionLine()
                f.x25519()
                f.macLine()
                return f.bytes
            }(), expect: Vector.header),
        Vector(
            name: "stream_short_nonce",
            file: {
                var f = TestFile()
                f.versionLine()
                f.x25519()
                f.macLine()
                f.bytes += pattern(12)
                return f.bytes
            }(), expect: Vector.header),
    ]

    /// Crosses the chunk counter over a byte boundary (chunk 256), as the testkit's
    /// stream_257_chunks does; slower, so it stands alone.
    static let counterCarry = Vector(
        name: "stream_257_chunks", file: stream(Array(repeating: (full, false), count: 256) + [([7], true)]),
        expect: .success(Array([[UInt8]](repeating: full, count: 256).joined()) + [7]))
}

enum ArmorVectors {
    static let binary = file({ $0.x25519() })
    static let armored = TestFile.armor(binary)

    static func vector(
        _ name: String, _ text: String, expect: Vector.Expect, identities: [any Identity] = [TestFile.identity]
    ) -> Vector {
        Vector(name: name, file: Array(text.utf8), identities: identities, format: .armored, expect: expect)
    }

    /// A file whose length is a multiple of 48, so its last armor line is a full 64 columns.
    static let fullLastLine: [UInt8] = {
        for size in 0..<200 {
            let candidate = file({
                $0.argsLine("pad")
                $0.body(pattern(size))
                $0.x25519()
            })
            if candidate.count % Armor.bytesPerLine == 0 { return candidate }
        }
        fatalError("no padding size gives a multiple of 48")
    }()

    static var lines: [String] { armored.split(separator: "\n").map(String.init) }

    static let all: [Vector] = [
        vector("armor", armored, expect: .success(Vector.age)),
        Vector(name: "armor_detected", file: Array(armored.utf8), format: .detect, expect: .success(Vector.age)),
        Vector(
            name: "armor_detected_after_whitespace", file: Array(("\n \t" + armored).utf8), format: .detect,
            expect: .success(Vector.age)),
        Vector(name: "binary_detected", file: binary, format: .detect, expect: .success(Vector.age)),
        vector("armor_crlf", armored.replacingOccurrences(of: "\n", with: "\r\n"), expect: .success(Vector.age)),
        vector("armor_full_last_line", TestFile.armor(fullLastLine), expect: .success(Vector.age)),
        vector("armor_no_eol", String(armored.dropLast()), expect: .success(Vector.age)),
        vector("armor_whitespace_outside", "\n\r   \t\n" + armored + "\n\r   \t\n", expect: .success(Vector.age)),
        vector("armor_no_match", armored, expect: Vector.noMatch, identities: [TestFile.otherIdentity]),
        vector("armor_empty", Armor.beginLine + "\n" + Armor.endLine + "\n", expect: Vector.header),
        vector("armor_garbage_encoded", TestFile.armor(binary + pattern(20)), expect: Vector.payload),
        vector(
            "armor_empty_last_line", lines.dropLast().joined(separator: "\n") + "\n\n" + Armor.endLine + "\n",
            expect: Vector.armor),
        vector(
            "armor_empty_line_begin", lines[0] + "\n\n" + lines.dropFirst().joined(separator: "\n") + "\n",
            expect: Vector.armor),
        vector("armor_garbage_leading", "garbage\n" + armored, expect: Vector.armor),
        vector("armor_garbage_trailing", armored + "garbage\n", expect: Vector.armor),
        vector(
            "armor_headers",
            lines[0] + "\nHeaders: are\nNot: allowed\n\n" + lines.dropFirst().joined(separator: "\n") + "\n",
            expect: Vector.armor),
        vector(
            "armor_invalid_character_header",
            {
                var l = lines
                var c = Array(l[1])
                c[4] = "*"
                l[1] = String(c)
                return l.joined(separator: "\n") + "\n"
            }(), expect: Vector.armor),
        vector(
            "armor_invalid_character_payload",
            {
                var l = lines
                var c = Array(l[l.count - 2])
                c[0] = "*"
                l[l.count - 2] = String(c)
                return l.joined(separator: "\n") + "\n"
            }(), expect: Vector.armor),
        vector(
            "armor_long_line", lines[0] + "\n" + lines.dropFirst().dropLast().joined() + "\n" + lines.last! + "\n",
            expect: Vector.armor),
        vector(
            "armor_lowercase", armored.replacingOccurrences(of: "BEGIN AGE", with: "BEGIN age"), expect: Vector.armor),
        vector("armor_no_end_line", lines.dropLast().joined(separator: "\n") + "\n", expect: Vector.armor),
        vector("armor_no_padding", armored.replacingOccurrences(of: "=", with: ""), expect: Vector.armor),
        vector(
            "armor_short_line",
            {
                var l = lines
                let first = l[1]
                l[1] = String(first.prefix(16))
                l.insert(String(first.dropFirst(16)), at: 2)
                return l.joined(separator: "\n") + "\n"
            }(), expect: Vector.armor),
        vector(
            "armor_whitespace_begin",
            armored.replacingOccurrences(of: Armor.beginLine, with: "----- BEGIN AGE ENCRYPTED FILE -----"),
            expect: Vector.armor),
        vector(
            "armor_whitespace_end",
            armored.replacingOccurrences(of: Armor.endLine, with: "----- END AGE ENCRYPTED FILE -----"),
            expect: Vector.armor),
        vector(
            "armor_whitespace_eol",
            {
                var l = lines
                l[l.count - 3] += " "
                return l.joined(separator: "\n") + "\n"
            }(), expect: Vector.armor),
        vector(
            "armor_whitespace_last_line",
            {
                var l = lines
                l[l.count - 2] += " "
                return l.joined(separator: "\n") + "\n"
            }(), expect: Vector.armor),
        vector(
            "armor_whitespace_line_start",
            {
                var l = lines
                l[1] = " " + l[1]
                return l.joined(separator: "\n") + "\n"
            }(), expect: Vector.armor),
        vector(
            "armor_wrong_type", armored.replacingOccurrences(of: "AGE ENCRYPTED FILE", with: "AGE ENCRYPTED MESSAGE"),
            expect: Vector.armor),
        vector(
            "armor_pgp_checksum", lines.dropLast().joined(separator: "\n") + "\n=J2ub\n" + lines.last! + "\n",
            expect: Vector.armor),
    ]
}

@Suite("age specification vectors")
struct SpecVectorTests {
    func check(_ vector: Vector) {
        // Whatever parses, the bytes the MAC covers are the canonical re-encoding.
        var headerSource = BufferedSource(BytesSource(vector.file))
        if vector.format == .binary, let header = try? Header.parse(from: &headerSource) {
            #expect(header.macInput == header.encodedWithoutMAC(), "\(vector.name)")
        }
        var source = BytesSource(vector.file)
        var sink = BytesSink()
        do {
            try Age.decrypt(from: &source, to: &sink, identities: vector.identities, format: vector.format)
            #expect(vector.expect == .success(sink.bytes), "\(vector.name): decrypted, but expected \(vector.expect)")
        } catch {
            #expect(
                vector.expect == .failure(error.code),
                "\(vector.name): \(error.code) (\(error.message)), expected \(vector.expect)")
        }
    }

    @Test("header and MAC", arguments: HeaderVectors.all) func header(_ vector: Vector) { check(vector) }
    @Test("X25519 stanzas", arguments: X25519Vectors.all) func x25519(_ vector: Vector) { check(vector) }
    @Test("scrypt stanzas", arguments: ScryptVectors.all) func scrypt(_ vector: Vector) { check(vector) }
    @Test("mlkem768x25519 stanzas", arguments: HybridVectors.all) func hybrid(_ vector: Vector) { check(vector) }
    @Test("STREAM payload", arguments: StreamVectors.all) func stream(_ vector: Vector) { check(vector) }
    @Test("ASCII armor", arguments: ArmorVectors.all) func armor(_ vector: Vector) { check(vector) }
    @Test("chunk counter crosses a byte boundary") func counterCarry() { check(StreamVectors.counterCarry) }
}
