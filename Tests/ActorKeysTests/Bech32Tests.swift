import Testing

@testable import ActorKeys

@Suite("Bech32 (BIP173, as age uses it)")
struct Bech32Tests {
    static let valid = [
        "A12UEL5L",
        "a12uel5l",
        "an83characterlonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1tt5tgs",
        "abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw",
        "11" + String(repeating: "q", count: 82) + "c8247j",
        "split1checkupstagehandshakeupstreamerranterredcaperred2y9e3w",
        "?1ezyfcl",
    ]

    /// BIP173's invalid strings, as raw bytes (some are not valid UTF-8), with the reason.
    static let invalid: [(bytes: [UInt8], reason: String)] = [
        ([0x20] + Array("1nwldj5".utf8), "HRP character out of range"),
        ([0x7F] + Array("1axkwrx".utf8), "HRP character out of range"),
        ([0x80] + Array("1eym55h".utf8), "HRP character out of range"),
        (
            Array("an84characterslonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1569pvx".utf8),
            "HRP longer than 83"
        ),
        (Array("pzry9x0s0muk".utf8), "no separator"),
        (Array("1pzry9x0s0muk".utf8), "empty HRP"),
        (Array("x1b4n0q5v".utf8), "invalid data character"),
        (Array("li1dgmt3".utf8), "too short checksum"),
        (Array("de1lg7wt".utf8) + [0xFF], "invalid character in checksum"),
        (Array("A1G7SGD8".utf8), "checksum calculated with uppercase form of HRP"),
        (Array("10a06t8".utf8), "empty HRP"),
        (Array("1qzzfhee".utf8), "empty HRP"),
        (Array("a12UEL5L".utf8), "mixed case"),
    ]

    @Test("decodes every valid BIP173 string", arguments: valid)
    func decodesValid(_ text: String) throws {
        let decoded = try Array(text.utf8).withUnsafeBytes { try Bech32.decode($0) }
        #expect(decoded.hrp == String(text[..<text.lastIndex(of: "1")!]))
    }

    @Test("rejects every invalid BIP173 string")
    func rejectsInvalid() {
        for (bytes, reason) in Self.invalid {
            #expect(throws: ActorKeysError.self, "\(reason)") {
                try bytes.withUnsafeBytes { try Bech32.decode($0) }
            }
        }
    }

    @Test("round-trips data of every length, and has no 90-character limit (age lifts it)")
    func roundTrips() throws {
        for length in [0, 1, 31, 32, 33, 64, 100] {
            let data = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
            let encoded = data.withUnsafeBytes { Bech32.encode(hrp: "test", data: $0, uppercase: false) }
            let decoded = try encoded.withUnsafeBytes { try Bech32.decode($0) }
            #expect(decoded.hrp == "test")
            #expect(decoded.data == data)
            let upper = data.withUnsafeBytes { Bech32.encode(hrp: "test", data: $0, uppercase: true) }
            #expect(String(decoding: upper, as: UTF8.self) == String(decoding: encoded, as: UTF8.self).uppercased())
        }
    }

    @Test("rejects non-zero padding bits when converting back to bytes")
    func rejectsPadding() {
        // One 5-bit group cannot make a byte; two groups with non-zero trailing bits are not canonical.
        #expect(Bech32.convertBits([1], from: 5, to: 8, pad: false) == nil)
        #expect(Bech32.convertBits([0, 1], from: 5, to: 8, pad: false) == nil)
        #expect(Bech32.convertBits([0, 0], from: 5, to: 8, pad: false) == [0])
    }
}
