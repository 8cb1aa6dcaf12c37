/// Bech32 is the BIP173 encoding used for age identities and recipients.
///
/// As the age specification says, the data part has no length limit (BIP173's 90-character
/// total is lifted), but everything else is BIP173: a human-readable part of 1 to 83 characters
/// in 33...126, the last `1` as separator, at least six checksum characters, no mixed case, and
/// the checksum always computed over the lowercase form. Decoding into bytes rejects padding
/// that is longer than four bits or not zero.
enum Bech32 {
    static let charset: [UInt8] = Array("qpzry9x8gf2tvdw0s3jn54khce6mua7l".utf8)
    static let maxHRPLength = 83
    private static let checksumLength = 6

    private static let reverseCharset: [Int8] = {
        var table = [Int8](repeating: -1, count: 128)
        for (value, character) in charset.enumerated() {
            table[Int(character)] = Int8(value)
            table[Int(character) - 32 * (character >= 0x61 ? 1 : 0)] = Int8(value)
        }
        return table
    }()

    private static func polymod(_ values: some Sequence<UInt8>, into start: UInt32 = 1) -> UInt32 {
        let generator: [UInt32] = [0x3b6a_57b2, 0x2650_8e6d, 0x1ea1_19fa, 0x3d42_33dd, 0x2a14_62b3]
        var checksum = start
        for value in values {
            let top = checksum >> 25
            checksum = (checksum & 0x1ff_ffff) << 5 ^ UInt32(value)
            for bit in 0..<5 where (top >> UInt32(bit)) & 1 == 1 {
                checksum ^= generator[bit]
            }
        }
        return checksum
    }

    private static func expandedHRP(_ hrp: [UInt8]) -> [UInt8] {
        hrp.map { $0 >> 5 } + [0] + hrp.map { $0 & 31 }
    }

    private static func lowercased(_ byte: UInt8) -> UInt8 {
        (0x41...0x5A).contains(byte) ? byte + 32 : byte
    }

    /// Encodes `data` (8-bit bytes) under `hrp`, in uppercase when asked (identities).
    /// The result is ASCII; it is a secret when `data` is, and the caller must zero it.
    static func encode(hrp: String, data: UnsafeRawBufferPointer, uppercase: Bool) -> [UInt8] {
        let lowerHRP = Array(hrp.lowercased().utf8)
        var groups = convertBits(data, from: 8, to: 5, pad: true) ?? []
        defer { zeroize(&groups) }
        let checksumInput = expandedHRP(lowerHRP) + groups + [UInt8](repeating: 0, count: checksumLength)
        let checksum = polymod(checksumInput) ^ 1
        var output = [UInt8]()
        output.reserveCapacity(lowerHRP.count + 1 + groups.count + checksumLength)
        output += lowerHRP
        output.append(UInt8(ascii: "1"))
        for group in groups { output.append(charset[Int(group)]) }
        for index in 0..<checksumLength {
            output.append(charset[Int((checksum >> UInt32(5 * (5 - index))) & 31)])
        }
        if uppercase {
            for index in output.indices where (0x61...0x7A).contains(output[index]) {
                output[index] -= 32
            }
        }
        return output
    }

    /// Decodes a Bech32 string into its human-readable part (in the string's own case) and its
    /// data converted back to 8-bit bytes. The caller zeroes `data` when it is a secret.
    static func decode(_ text: UnsafeRawBufferPointer) throws(ActorKeysError) -> (hrp: String, data: [UInt8]) {
        var hasLower = false
        var hasUpper = false
        for byte in text {
            guard (33...126).contains(byte) else { throw malformed("character out of range") }
            if (0x61...0x7A).contains(byte) { hasLower = true }
            if (0x41...0x5A).contains(byte) { hasUpper = true }
        }
        guard !(hasLower && hasUpper) else { throw malformed("mixed case") }
        guard let separator = text.lastIndex(of: UInt8(ascii: "1")) else { throw malformed("missing separator") }
        guard separator >= 1 else { throw malformed("empty human-readable part") }
        guard separator <= maxHRPLength else { throw malformed("human-readable part too long") }
        guard text.count - separator - 1 >= checksumLength else { throw malformed("checksum too short") }

        let hrp = Array(text[0..<separator])
        var groups = [UInt8]()
        groups.reserveCapacity(text.count - separator - 1)
        for byte in text[(separator + 1)...] {
            let value = reverseCharset[Int(byte)]
            guard value >= 0 else {
                zeroize(&groups)
                throw malformed("invalid data character")
            }
            groups.append(UInt8(value))
        }
        defer { zeroize(&groups) }
        var checksumInput = expandedHRP(hrp.map(lowercased)) + groups
        defer { zeroize(&checksumInput) }
        guard polymod(checksumInput) == 1 else { throw malformed("invalid checksum") }
        guard let data = convertBits(groups.dropLast(checksumLength), from: 5, to: 8, pad: false) else {
            throw malformed("invalid padding")
        }
        return (String(decoding: hrp, as: UTF8.self), data)
    }

    private static func malformed(_ reason: String) -> ActorKeysError {
        ActorKeysError(.malformedBech32, "malformed bech32 string: \(reason)")
    }

    /// Regroups bits (BIP173 `convertbits`). Without padding, leftover bits must be fewer than
    /// `from` and all zero, or the input is rejected.
    static func convertBits(_ input: some Sequence<UInt8>, from: Int, to: Int, pad: Bool) -> [UInt8]? {
        var accumulator: UInt32 = 0
        var bits = 0
        var output = [UInt8]()
        let maxValue: UInt32 = (1 << to) - 1
        for value in input {
            guard UInt32(value) >> from == 0 else { return nil }
            accumulator = (accumulator << from) | UInt32(value)
            bits += from
            while bits >= to {
                bits -= to
                output.append(UInt8((accumulator >> UInt32(bits)) & maxValue))
            }
        }
        if pad {
            if bits > 0 { output.append(UInt8((accumulator << UInt32(to - bits)) & maxValue)) }
        } else if bits >= from || (accumulator << UInt32(to - bits)) & maxValue != 0 {
            zeroize(&output)
            return nil
        }
        return output
    }
}
