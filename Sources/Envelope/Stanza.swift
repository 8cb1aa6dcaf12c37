/// Stanza is one recipient stanza of an age header: its arguments (the first names its type)
/// and its body. Identities recognize the stanzas addressed to them by their arguments.
public struct Stanza: Sendable, Hashable {
    /// Arguments after `->`; at least one, each one or more VCHAR (0x21...0x7E).
    public var arguments: [String]
    /// The decoded body.
    public var body: [UInt8]

    public init(arguments: [String], body: [UInt8]) {
        precondition(!arguments.isEmpty, "a stanza has at least one argument")
        self.arguments = arguments
        self.body = body
    }

    /// The stanza type: its first argument.
    public var type: String { arguments[0] }

    static let columns = 64

    /// Appends `-> args…\n` and the body in 64-column base64 lines, ending with a shorter line.
    func encode(into output: inout [UInt8]) {
        output.append(contentsOf: "-> ".utf8)
        output.append(contentsOf: arguments.joined(separator: " ").utf8)
        output.append(UInt8(ascii: "\n"))
        let encoded = body.withUnsafeBytes { Base64.encodeUnpadded($0) }
        var offset = 0
        while true {
            let line = encoded[offset..<min(offset + Self.columns, encoded.count)]
            output.append(contentsOf: line)
            output.append(UInt8(ascii: "\n"))
            offset += line.count
            if line.count < Self.columns { break }
        }
    }

    /// Whether `argument` is 1*VCHAR.
    static func isValidArgument(_ argument: some Collection<UInt8>) -> Bool {
        !argument.isEmpty && argument.allSatisfy { (0x21...0x7E).contains($0) }
    }
}
