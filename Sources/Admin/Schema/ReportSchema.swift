import FoundationEssentials

/// JSONReport is a report as the CLI's `--json` and the HTTP API print it: one type per
/// report, whose schema lists its fields once. That list encodes the value (every field,
/// `null` included, unless it is marked as omitted when nil) and states the OpenAPI schema.
public protocol JSONReport: Encodable, JSONDescribed, Sendable {
    static var schema: ReportSchema<Self> { get }
}

extension JSONReport {
    public static var jsonType: JSONType { .reference(schema.name) }
    public static var namedSchemas: [@Sendable () -> ObjectDescription] { [{ schema.description }] }

    /// The report's JSON, as the CLI prints it and the API sends it: sorted keys, slashes as
    /// they are.
    public var jsonBytes: [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Reports hold strings, numbers and booleans only: encoding them cannot fail.
        return (try? Array(encoder.encode(self))) ?? Array("{}".utf8)
    }

    /// Encodes the fields of `schema`, in its order.
    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: JSONKey.self)
        for field in Self.schema.fields { try field.encode(self, &container) }
    }
}

/// ReportSchema is the name, summary and fields of a report type.
public typealias ReportSchema<Report> = ObjectSchema<ReportField<Report>>

/// ReportField is one field of a report: its JSON name and schema, and how to encode it.
public struct ReportField<Report>: SchemaField {
    public let name: String
    public let type: JSONType
    public let summary: String
    /// Whether the field is always there (null when there is no value); false for a field
    /// left out when nil.
    public let required: Bool
    public let references: [@Sendable () -> ObjectDescription]
    let encode: @Sendable (Report, inout KeyedEncodingContainer<JSONKey>) throws -> Void

    /// A field that is always present; an Optional value is encoded as `null`. `type` refines
    /// the schema the Swift type implies (a pattern, a format).
    public init<Value: Encodable & JSONDescribed>(
        _ name: String, _ path: KeyPath<Report, Value> & Sendable, _ summary: String, as type: JSONType? = nil
    ) {
        self.name = name
        self.type = type ?? Value.jsonType
        self.summary = summary
        self.required = true
        self.references = Value.namedSchemas
        let key = JSONKey(name)
        encode = { report, container in try container.encode(report[keyPath: path], forKey: key) }
    }

    /// A field left out when its value is nil.
    public init<Value: Encodable & JSONDescribed>(
        _ name: String, omittedWhenNil path: KeyPath<Report, Value?> & Sendable, _ summary: String,
        as type: JSONType? = nil
    ) {
        self.name = name
        self.type = type ?? Value.jsonType
        self.summary = summary
        self.required = false
        self.references = Value.namedSchemas
        let key = JSONKey(name)
        encode = { report, container in try container.encodeIfPresent(report[keyPath: path], forKey: key) }
    }
}

/// JSONKey is a coding key made from a field's name.
public struct JSONKey: CodingKey, Sendable, Hashable {
    public let stringValue: String
    public var intValue: Int? { nil }

    public init(_ name: String) { stringValue = name }
    public init?(stringValue: String) { self.stringValue = stringValue }
    public init?(intValue: Int) { nil }
}
