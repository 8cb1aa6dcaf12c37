import FuzzSupport

@testable import Envelope

// age's ASCII armor (strict PEM, C2SP age.md): the first byte picks how the text arrives (all at
// once, a byte at a time, or in odd-sized reads), the rest is the text. Decoding either fails
// as malformed armor or yields bytes whose canonical armor is the input itself, apart from the
// whitespace allowed around the block and CRLF line endings: the reader accepts one spelling of
// each file.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzArmor(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    var input = FuzzInput(UnsafeRawBufferPointer(start: start, count: count))
    let readSizes = chopping(input.byte())
    let text = input.rest()
    guard let decoded = decode(text, readSizes: readSizes) else { return 0 }
    let canonical = armor(decoded)
    require(normalized(text) == Array(canonical.dropLast()), "decoded armor is not the canonical armor of its bytes")
    var source = BytesSource(text)
    _ = try? Age.stanzas(of: &source, format: .detect)
    return 0
}

private func chopping(_ selector: UInt8) -> [Int] {
    switch selector % 5 {
    case 0: []
    case 1: [1]
    case 2: [3, 61]
    case 3: [64, 65, 66]
    default: [Int(selector)]
    }
}

private func decode(_ text: [UInt8], readSizes: [Int]) -> [UInt8]? {
    var reader = ArmorReader(BufferedSource(ChoppySource(text, readSizes: readSizes)))
    var decoded = [UInt8]()
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 4096, alignment: 1)
    defer { buffer.deallocate() }
    return outcome(failingOnlyAs: .malformedArmor, "armor") { () throws(EnvelopeError) in
        while true {
            let read = try reader.read(into: buffer)
            if read == 0 { return decoded }
            decoded += buffer[0..<read]
        }
    }
}

private func armor(_ bytes: [UInt8]) -> [UInt8] {
    do throws(EnvelopeError) {
        var writer = try ArmorWriter(BytesSink())
        try bytes.withBytes { raw throws(EnvelopeError) in try writer.write(raw) }
        try writer.finish()
        return writer.base.bytes
    } catch {
        fatalError("armoring in memory failed: \(error)")
    }
}

/// The text without the whitespace around the block, and with LF line endings.
private func normalized(_ text: [UInt8]) -> [UInt8] {
    var slice = text[...]
    while let first = slice.first, Armor.isWhitespace(first) { slice.removeFirst() }
    while let last = slice.last, Armor.isWhitespace(last) { slice.removeLast() }
    var result = [UInt8]()
    for (index, byte) in zip(slice.indices, slice) {
        if byte == UInt8(ascii: "\r"), index + 1 < slice.endIndex, slice[index + 1] == UInt8(ascii: "\n") { continue }
        result.append(byte)
    }
    return result
}

@main
enum FuzzArmorMain {
    static func main() { FuzzDriver.run(fuzzArmor) }
}
