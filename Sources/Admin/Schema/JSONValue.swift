import FoundationEssentials

/// JSONValue is any JSON value, decoded without interpreting it: what strict request decoding
/// and schema validation look at.
public indirect enum JSONValue: Decodable, Sendable, Hashable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let flag = try? container.decode(Bool.self) {
            self = .bool(flag)
        } else if let number = try? container.decode(Double.self) {
            self = .number(number)
        } else if let text = try? container.decode(String.self) {
            self = .string(text)
        } else if let array = try? container.decode([JSONValue].self) {
            self = .array(array)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    /// Parses `bytes` as one JSON text; nil when it is not JSON.
    public static func parse(_ bytes: some Collection<UInt8>) -> JSONValue? {
        try? JSONDecoder().decode(JSONValue.self, from: Data(bytes))
    }
}

/// JSONConvertible is a Swift value a request field can hold, made from a JSON value that has
/// already passed its field's schema.
public protocol JSONConvertible: JSONDescribed, Sendable {
    init?(json: JSONValue)
}

extension String: JSONConvertible {
    public init?(json: JSONValue) {
        guard case .string(let text) = json else { return nil }
        self = text
    }
}

extension Bool: JSONConvertible {
    public init?(json: JSONValue) {
        guard case .bool(let flag) = json else { return nil }
        self = flag
    }
}

extension Int: JSONConvertible {
    public init?(json: JSONValue) {
        guard case .number(let number) = json, let value = Int(exactly: number) else { return nil }
        self = value
    }
}
