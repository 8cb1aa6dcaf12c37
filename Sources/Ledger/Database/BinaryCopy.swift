/// BinaryCopy builds the data of `COPY … FROM STDIN (FORMAT binary)`: a signature, then per
/// row a field count and each field as a 32-bit big-endian length (−1 for NULL) and its bytes
/// in the type's binary form. Integers are int8 (BIGINT columns); text is UTF-8.
struct BinaryCopy {
    /// Bytes gathered before they are handed to libpq.
    static let flushSize = 1 << 20
    private static let signature: [UInt8] =
        Array("PGCOPY\n".utf8) + [0xFF, 0x0D, 0x0A, 0x00] + [0, 0, 0, 0] + [0, 0, 0, 0]

    var buffer: [UInt8] = BinaryCopy.signature

    mutating func append(_ row: [SQLValue]) {
        appendBigEndian(UInt16(row.count))
        for value in row {
            switch value {
            case .null:
                appendBigEndian(UInt32(bitPattern: -1))
            case .integer(let number):
                appendBigEndian(UInt32(8))
                appendBigEndian(UInt64(bitPattern: number))
            case .bool(let flag):
                appendBigEndian(UInt32(1))
                buffer.append(flag ? 1 : 0)
            case .text(let text):
                appendBigEndian(UInt32(text.utf8.count))
                buffer.append(contentsOf: text.utf8)
            case .blob(let bytes):
                appendBigEndian(UInt32(bytes.count))
                buffer.append(contentsOf: bytes)
            }
        }
    }

    /// The trailer: a field count of −1.
    mutating func finish() {
        appendBigEndian(UInt16(0xFFFF))
    }

    private mutating func appendBigEndian<Integer: FixedWidthInteger>(_ value: Integer) {
        withUnsafeBytes(of: value.bigEndian) { buffer.append(contentsOf: $0) }
    }
}
