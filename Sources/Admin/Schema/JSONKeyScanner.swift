import FoundationEssentials

/// JSONKeyScanner finds a key that appears twice in a JSON object's top level. JSON decoders
/// quietly keep one of them, so `{"actor_id":"a","actor_id":"b"}` would mean different things to
/// different readers; the API refuses it instead. Keys are compared after unescaping
/// (`"a"` and `"\u0061"` are the same key). The input has already parsed as JSON.
enum JSONKeyScanner {
    static func duplicateTopLevelKey(in bytes: [UInt8]) -> String? {
        var index = 0
        skipWhitespace(bytes, &index)
        guard index < bytes.count, bytes[index] == UInt8(ascii: "{") else { return nil }
        index += 1
        var seen: Set<String> = []
        while index < bytes.count {
            skipWhitespace(bytes, &index)
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { return nil }
            let start = index
            skipString(bytes, &index)
            let raw = Data(bytes[start..<index])
            guard let key = try? JSONDecoder().decode(String.self, from: raw) else { return nil }
            if !seen.insert(key).inserted { return key }
            skipWhitespace(bytes, &index)
            index += 1  // ':'
            skipValue(bytes, &index)
            skipWhitespace(bytes, &index)
            guard index < bytes.count, bytes[index] == UInt8(ascii: ",") else { return nil }
            index += 1
        }
        return nil
    }

    private static func skipWhitespace(_ bytes: [UInt8], _ index: inout Int) {
        while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
    }

    /// From an opening quote to just past its closing quote.
    private static func skipString(_ bytes: [UInt8], _ index: inout Int) {
        index += 1
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "\\") {
                index += 2
                continue
            }
            if bytes[index] == UInt8(ascii: "\"") {
                index += 1
                return
            }
            index += 1
        }
    }

    /// One value: a string, a nested array or object (by depth), or a literal or number.
    private static func skipValue(_ bytes: [UInt8], _ index: inout Int) {
        skipWhitespace(bytes, &index)
        guard index < bytes.count else { return }
        switch bytes[index] {
        case UInt8(ascii: "\""):
            skipString(bytes, &index)
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            var depth = 0
            while index < bytes.count {
                switch bytes[index] {
                case UInt8(ascii: "\""):
                    skipString(bytes, &index)
                    continue
                case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    depth -= 1
                    if depth == 0 {
                        index += 1
                        return
                    }
                default: break
                }
                index += 1
            }
        default:
            while index < bytes.count,
                ![UInt8(ascii: ","), UInt8(ascii: "}"), 0x20, 0x09, 0x0A, 0x0D].contains(bytes[index])
            { index += 1 }
        }
    }
}
