import FoundationEssentials

/// YAML is a document tree written in YAML's block style: what `OpenAPIDocument` builds. Maps
/// keep their order; every string is written double-quoted (JSON's escapes, which YAML reads
/// the same way), so no value can change type or meaning.
indirect enum YAML {
    case string(String)
    case integer(Int64)
    case bool(Bool)
    case list([YAML])
    case map([(String, YAML)])

    /// The document as text, ending in a newline.
    var text: String {
        var lines: [String] = []
        write(into: &lines, indent: 0)
        return lines.joined(separator: "\n") + "\n"
    }

    private var inline: String? {
        switch self {
        case .string(let text): Self.quoted(text)
        case .integer(let value): String(value)
        case .bool(let value): value ? "true" : "false"
        case .list(let items): items.isEmpty ? "[]" : nil
        case .map(let members): members.isEmpty ? "{}" : nil
        }
    }

    private func write(into lines: inout [String], indent: Int) {
        let pad = String(repeating: " ", count: indent)
        switch self {
        case .map(let members):
            for (key, value) in members {
                if let inline = value.inline {
                    lines.append("\(pad)\(Self.key(key)): \(inline)")
                } else {
                    lines.append("\(pad)\(Self.key(key)):")
                    value.write(into: &lines, indent: indent + 2)
                }
            }
        case .list(let items):
            for item in items {
                if let inline = item.inline {
                    lines.append("\(pad)- \(inline)")
                } else {
                    var nested: [String] = []
                    item.write(into: &nested, indent: indent + 2)
                    // The first line of the item goes after the dash.
                    nested[0] = pad + "- " + nested[0].dropFirst(indent + 2)
                    lines += nested
                }
            }
        default:
            lines.append(pad + (inline ?? ""))
        }
    }

    /// A key as is when it is a plain word, else quoted ("200", "/v1/…", "$ref").
    private static func key(_ text: String) -> String {
        let plain =
            !text.isEmpty
            && text.utf8.allSatisfy { ($0 | 0x20 >= 0x61 && $0 | 0x20 <= 0x7A) || $0 == UInt8(ascii: "_") }
        return plain ? text : quoted(text)
    }

    private static func quoted(_ text: String) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return (try? encoder.encode(text)).map { String(decoding: $0, as: UTF8.self) } ?? "\"\""
    }
}
