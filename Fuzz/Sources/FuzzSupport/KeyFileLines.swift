/// KeyFileLines splits identity and recipients files the way age does, independently of the
/// parsers under test: lines end at LF, one CR before it is dropped, blank lines and `#`
/// comments are skipped.
public enum KeyFileLines {
    public static func significant(in contents: UnsafeRawBufferPointer) -> [[UInt8]] {
        var lines = [[UInt8]]()
        var line = [UInt8]()
        for byte in contents {
            if byte == UInt8(ascii: "\n") {
                keep(line, in: &lines)
                line.removeAll(keepingCapacity: true)
            } else {
                line.append(byte)
            }
        }
        keep(line, in: &lines)
        return lines
    }

    private static func keep(_ line: [UInt8], in lines: inout [[UInt8]]) {
        var line = line
        if line.last == UInt8(ascii: "\r") { line.removeLast() }
        if !line.isEmpty, line.first != UInt8(ascii: "#") { lines.append(line) }
    }
}
