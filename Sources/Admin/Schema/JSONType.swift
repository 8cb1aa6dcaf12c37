/// JSONType is the JSON Schema of one value: what the OpenAPI document states, what request
/// decoding enforces, and what the tests check every response against.
public indirect enum JSONType: Sendable, Hashable {
    case string(StringRules)
    case integer(minimum: Int64?, maximum: Int64?)
    case boolean
    case array(JSONType)
    /// An object with any keys, each holding a value of this type.
    case map(JSONType)
    /// A named object schema (`#/components/schemas/NAME`).
    case reference(String)
    /// This type, or null.
    case nullable(JSONType)

    public static let string = JSONType.string(StringRules())
    public static let integer = JSONType.integer(minimum: nil, maximum: nil)
    public static let count = JSONType.integer(minimum: 0, maximum: nil)
    /// A position in a sequence: what a signed 64-bit integer holds.
    public static let cursor = JSONType.integer(minimum: 0, maximum: Int64.max)
    public static let dateTime = JSONType.string(StringRules(format: "date-time"))
    public static let slug = JSONType.string(StringRules(pattern: "^[a-z0-9][a-z0-9._-]{0,63}$", maxLength: 64))
    public static let fingerprint = JSONType.string(StringRules(pattern: "^[0-9a-f]{16}$"))

    /// A slug that is none of `reserved`.
    public static func slug(excluding reserved: [String]) -> JSONType {
        guard case .string(var rules) = slug else { return slug }
        rules.excluded = reserved
        return .string(rules)
    }

    /// A string that is one of `values`.
    public static func oneOf(_ values: [String]) -> JSONType { .string(StringRules(values: values)) }

    /// A string that is one of the raw values of `type`.
    public static func oneOf<T: CaseIterable & RawRepresentable>(_ type: T.Type) -> JSONType
    where T.RawValue == String {
        .oneOf(type.allCases.map(\.rawValue))
    }
}

/// StringRules are the constraints JSON Schema puts on a string.
public struct StringRules: Sendable, Hashable {
    public var format: String?
    public var pattern: String?
    public var minLength: Int?
    public var maxLength: Int?
    /// The only values allowed (`enum`).
    public var values: [String]?
    /// `contentEncoding`, for base64 payloads.
    public var contentEncoding: String?
    /// Values that are refused although they match the rest (`not: {enum: …}`): reserved names.
    public var excluded: [String]?
    /// No NUL character: the document states it as `noNULPattern`, and validation checks it
    /// without a regex (payloads are large). A string has this or a `pattern`, not both.
    public var forbidsNUL: Bool
    public static let noNULPattern = "^[^\\x00]*$"

    public init(
        format: String? = nil, pattern: String? = nil, minLength: Int? = nil, maxLength: Int? = nil,
        values: [String]? = nil,
        contentEncoding: String? = nil, excluded: [String]? = nil, forbidsNUL: Bool = false
    ) {
        precondition(!(forbidsNUL && pattern != nil), "the document states forbidsNUL as the pattern")
        self.format = format
        self.pattern = pattern
        self.minLength = minLength
        self.maxLength = maxLength
        self.values = values
        self.contentEncoding = contentEncoding
        self.excluded = excluded
        self.forbidsNUL = forbidsNUL
    }
}

/// JSONDescribed is a Swift type whose JSON form has a known schema, so that a report or
/// request field of that type needs no type written next to it.
public protocol JSONDescribed {
    static var jsonType: JSONType { get }
    /// The named object schemas `jsonType` refers to, directly or through arrays and optionals.
    static var namedSchemas: [@Sendable () -> ObjectDescription] { get }
}

extension JSONDescribed {
    public static var namedSchemas: [@Sendable () -> ObjectDescription] { [] }
}

extension String: JSONDescribed { public static var jsonType: JSONType { .string } }
extension Int: JSONDescribed { public static var jsonType: JSONType { .integer } }
extension Int64: JSONDescribed { public static var jsonType: JSONType { .integer } }
extension Bool: JSONDescribed { public static var jsonType: JSONType { .boolean } }

extension Array: JSONDescribed where Element: JSONDescribed {
    public static var jsonType: JSONType { .array(Element.jsonType) }
    public static var namedSchemas: [@Sendable () -> ObjectDescription] { Element.namedSchemas }
}

extension Optional: JSONDescribed where Wrapped: JSONDescribed {
    public static var jsonType: JSONType { .nullable(Wrapped.jsonType) }
    public static var namedSchemas: [@Sendable () -> ObjectDescription] { Wrapped.namedSchemas }
}

extension Dictionary: JSONDescribed where Key == String, Value: JSONDescribed {
    public static var jsonType: JSONType { .map(Value.jsonType) }
    public static var namedSchemas: [@Sendable () -> ObjectDescription] { Value.namedSchemas }
}

/// ObjectDescription is a named object schema: its properties in order, which are required,
/// and that no others are allowed.
public struct ObjectDescription: Sendable {
    public struct Property: Sendable {
        public let name: String
        public let type: JSONType
        public let required: Bool
        public let summary: String
    }

    public let name: String
    public let summary: String
    public let properties: [Property]
    /// Rules over several properties at once (requests only).
    public let rules: [ObjectRule]
    /// The named schemas this one refers to, so that a document can include them all.
    public let references: [@Sendable () -> ObjectDescription]
}

/// SchemaField is what a schema needs to know of one field of a report or a request.
public protocol SchemaField: Sendable {
    var name: String { get }
    var type: JSONType { get }
    var summary: String { get }
    var required: Bool { get }
    var references: [@Sendable () -> ObjectDescription] { get }
}

/// ObjectSchema is the name, summary and fields of a report or request type.
public struct ObjectSchema<Field: SchemaField>: Sendable {
    public let name: String
    public let summary: String
    public let fields: [Field]
    public let rules: [ObjectRule]

    public init(_ name: String, _ summary: String, _ fields: [Field], rules: [ObjectRule] = []) {
        self.name = name
        self.summary = summary
        self.fields = fields
        self.rules = rules
    }

    public var description: ObjectDescription {
        ObjectDescription(
            name: name, summary: summary,
            properties: fields.map { .init(name: $0.name, type: $0.type, required: $0.required, summary: $0.summary) },
            rules: rules, references: fields.flatMap(\.references))
    }
}
