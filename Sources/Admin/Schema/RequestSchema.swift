/// JSONRequest is a request body: a `Decodable` type whose schema lists its fields once. That
/// list decodes the body strictly and states the OpenAPI schema, so the document says exactly
/// what the server enforces: one JSON object, no key twice, no unknown key, no `null`, each value
/// of its field's type and within its rules (pattern, length, allowed values, bounds), and the
/// schema's rules over several fields (`ObjectRule`).
public protocol JSONRequest: Decodable, Sendable {
    /// A request with every field absent; the schema's fields fill it in.
    init()
    static var schema: RequestSchema<Self> { get }
}

extension JSONRequest {
    public init(from decoder: Decoder) throws {
        try self.init(validating: try decoder.singleValueContainer().decode(JSONValue.self))
    }

    /// Checks `value` against the schema and fills in the fields; the first problem is an
    /// `.invalidArgument` error that names the field.
    public init(validating value: JSONValue) throws(AdminError) {
        guard case .object(let fields) = value else {
            throw AdminError(.invalidArgument, "the request body must be a JSON object")
        }
        let schema = Self.schema
        if let unknown = fields.keys.sorted().first(where: { name in !schema.fields.contains { $0.name == name } }) {
            throw AdminError(
                .invalidArgument,
                "unknown field \"\(unknown.prefix(64))\"; allowed: \(schema.fields.map(\.name).sorted().joined(separator: ", "))"
            )
        }
        self.init()
        for field in schema.fields { try field.apply(fields[field.name], &self) }
        if let problem = schema.rules.lazy.compactMap({ $0.violation(by: fields) }).first {
            throw AdminError(.invalidArgument, problem)
        }
    }

    /// Decodes a body: empty (or only whitespace) is `{}`; anything that is not JSON is
    /// `.malformedRequest`; a key given twice is refused (decoders would quietly keep one).
    public static func decode(_ bytes: [UInt8]) throws(AdminError) -> Self {
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
            return try Self(validating: .object([:]))
        }
        guard let value = JSONValue.parse(bytes) else {
            throw AdminError(.malformedRequest, "the request body is not valid JSON")
        }
        if case .object = value, let duplicate = JSONKeyScanner.duplicateTopLevelKey(in: bytes) {
            throw AdminError(.invalidArgument, "field \"\(duplicate.prefix(64))\" appears more than once")
        }
        return try Self(validating: value)
    }
}

/// RequestSchema is the name, summary and fields of a request body.
public typealias RequestSchema<Request> = ObjectSchema<RequestField<Request>>

/// RequestField is one field of a request: its JSON name, schema and whether it is required,
/// and where its value goes.
public struct RequestField<Request>: SchemaField {
    public let name: String
    public let type: JSONType
    public let summary: String
    public let required: Bool
    /// A request's fields are plain values: they refer to no named schema.
    public var references: [@Sendable () -> ObjectDescription] { [] }
    let apply: @Sendable (JSONValue?, inout Request) throws(AdminError) -> Void

    /// A field stored in an Optional property: nil when absent. `type` refines the schema the
    /// Swift type implies (a pattern, allowed values); `summary` says what it means and its
    /// default.
    public init<Value: JSONConvertible>(
        _ name: String, _ path: WritableKeyPath<Request, Value?> & Sendable, _ summary: String,
        as type: JSONType? = nil,
        required: Bool = false
    ) {
        let type = type ?? Value.jsonType
        self.name = name
        self.type = type
        self.summary = summary
        self.required = required
        apply = { json, request throws(AdminError) in
            guard let json else {
                if required { throw AdminError(.invalidArgument, "field \"\(name)\" is required") }
                return
            }
            if let problem = type.violation(by: json, schemas: { _ in nil }) {
                throw AdminError(.invalidArgument, "field \"\(name)\" \(problem)")
            }
            request[keyPath: path] = Value(json: json)
        }
    }
}
