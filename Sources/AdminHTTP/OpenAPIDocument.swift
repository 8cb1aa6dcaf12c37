import Admin
import Hummingbird

/// OpenAPIDocument is what `GET /openapi.yaml` serves, made from `AdminAPI`: the same
/// endpoints the router registers and the same schemas that encode the reports and decode the
/// requests, so it cannot drift from the server.
enum OpenAPIDocument {
    static let yaml: String = document.text

    static var document: YAML {
        .map([
            ("openapi", .string("3.1.0")),
            (
                "info",
                .map([
                    ("title", .string(AdminAPI.title)), ("version", .string(AdminAPI.version)),
                    ("description", .string(AdminAPI.description)),
                ])
            ),
            ("servers", .list([.map([("url", .string("http://127.0.0.1:8080"))])])),
            ("security", .list([.map([("bearer", .list([]))])])),
            ("paths", .map(paths)),
            (
                "components",
                .map([
                    (
                        "securitySchemes",
                        .map([("bearer", .map([("type", .string("http")), ("scheme", .string("bearer"))]))])
                    ),
                    ("schemas", .map(AdminAPI.schemas.keys.sorted().map { ($0, object(AdminAPI.schemas[$0]!)) })),
                ])
            ),
        ])
    }

    /// Each path once, with its operations in the table's order.
    private static var paths: [(String, YAML)] {
        var order: [String] = []
        var operations: [String: [(String, YAML)]] = [:]
        for endpoint in AdminAPI.endpoints {
            if operations[endpoint.path] == nil { order.append(endpoint.path) }
            operations[endpoint.path, default: []].append((endpoint.method.rawValue.lowercased(), operation(endpoint)))
        }
        return order.map { ($0, .map(operations[$0]!)) }
    }

    private static func operation(_ endpoint: Endpoint) -> YAML {
        var members: [(String, YAML)] = [("summary", .string(endpoint.summary))]
        if endpoint.access == .open { members.append(("security", .list([]))) }
        if !endpoint.parameters.isEmpty {
            members.append(
                (
                    "parameters",
                    .list(
                        endpoint.parameters.map { parameter in
                            .map([
                                ("name", .string(parameter.name)), ("in", .string(parameter.location.rawValue)),
                                ("required", .bool(parameter.location == .path)),
                                ("description", .string(parameter.summary)),
                                ("schema", schema(parameter.type)),
                            ])
                        })
                ))
        }
        if let request = endpoint.request {
            members.append(
                (
                    "requestBody",
                    .map([
                        (
                            "required",
                            .bool(
                                request.properties.contains(where: \.required)
                                    || request.rules.contains(where: \.needsAField))
                        ),
                        ("content", .map([("application/json", .map([("schema", schema(.reference(request.name)))]))])),
                    ])
                ))
        }
        members.append(
            (
                "responses",
                .map(
                    endpoint.replies.map { reply in
                        var response: [(String, YAML)] = [("description", .string(reply.summary))]
                        switch reply.body {
                        case .json(let type, _):
                            response.append(("content", .map([("application/json", .map([("schema", schema(type))]))])))
                        case .text(let contentType):
                            response.append(("content", .map([(contentType, .map([("schema", schema(.string))]))])))
                        case .yaml:
                            let object: YAML = .map([("type", .string("object"))])
                            response.append(("content", .map([("application/yaml", .map([("schema", object)]))])))
                        }
                        return (String(reply.status), .map(response))
                    })
            ))
        return .map(members)
    }

    private static func object(_ object: ObjectDescription) -> YAML {
        var members: [(String, YAML)] = [
            ("type", .string("object")), ("description", .string(object.summary)),
            ("additionalProperties", .bool(false)),
        ]
        let required = object.properties.filter(\.required).map(\.name)
        if !required.isEmpty { members.append(("required", .list(required.map(YAML.string)))) }
        members.append(
            (
                "properties",
                .map(
                    object.properties.map { property in
                        (property.name, schema(property.type, description: property.summary))
                    })
            ))
        if object.rules.contains(.notEmpty) { members.append(("minProperties", .integer(1))) }
        let combined = object.rules.compactMap(rule)
        if !combined.isEmpty { members.append(("allOf", .list(combined))) }
        return .map(members)
    }

    /// A rule over several properties as a JSON Schema to combine with `allOf` (nil for
    /// `notEmpty`, which is `minProperties`).
    private static func rule(_ rule: ObjectRule) -> YAML? {
        func required(_ names: [String]) -> YAML { .map([("required", .list(names.map(YAML.string)))]) }
        func when(_ field: String, is value: String) -> YAML {
            .map([
                ("properties", .map([(field, .map([("const", .string(value))]))])),
                ("required", .list([.string(field)])),
            ])
        }
        switch rule {
        case .atMostOne(let names):
            let pairs = names.indices.flatMap { i in names.indices.dropFirst(i + 1).map { [names[i], names[$0]] } }
            return .map([("not", pairs.count == 1 ? required(pairs[0]) : .map([("anyOf", .list(pairs.map(required)))]))]
            )
        case .exactlyOne(let names):
            return .map([("oneOf", .list(names.map { required([$0]) }))])
        case .notEmpty:
            return nil
        case .requires(let names, let field, let value):
            let then: YAML = .map([
                ("required", .list(names.map(YAML.string))),
                ("properties", .map(names.map { ($0, .map([("minLength", .integer(1))])) })),
            ])
            return .map([("if", when(field, is: value)), ("then", then)])
        case .excludes(let names, let field, let value):
            let given = names.count == 1 ? required(names) : .map([("anyOf", .list(names.map { required([$0]) }))])
            return .map([("if", when(field, is: value)), ("then", .map([("not", given)]))])
        }
    }

    /// The JSON Schema of `type` (OpenAPI 3.1 is JSON Schema 2020-12).
    static func schema(_ type: JSONType, description: String? = nil) -> YAML {
        var members: [(String, YAML)] = []
        switch type {
        case .string(let rules):
            members.append(("type", .string("string")))
            if let format = rules.format { members.append(("format", .string(format))) }
            if let pattern = rules.pattern ?? (rules.forbidsNUL ? StringRules.noNULPattern : nil) {
                members.append(("pattern", .string(pattern)))
            }
            if let minLength = rules.minLength { members.append(("minLength", .integer(Int64(minLength)))) }
            if let maxLength = rules.maxLength { members.append(("maxLength", .integer(Int64(maxLength)))) }
            if let values = rules.values { members.append(("enum", .list(values.map(YAML.string)))) }
            if let encoding = rules.contentEncoding { members.append(("contentEncoding", .string(encoding))) }
            if let excluded = rules.excluded {
                members.append(("not", .map([("enum", .list(excluded.map(YAML.string)))])))
            }
        case .integer(let minimum, let maximum):
            members.append(("type", .string("integer")))
            if let minimum { members.append(("minimum", .integer(minimum))) }
            if let maximum { members.append(("maximum", .integer(maximum))) }
        case .boolean:
            members.append(("type", .string("boolean")))
        case .array(let element):
            members += [("type", .string("array")), ("items", schema(element))]
        case .map(let element):
            members += [("type", .string("object")), ("additionalProperties", schema(element))]
        case .reference(let name):
            members.append(("$ref", .string("#/components/schemas/\(name)")))
        case .nullable(let wrapped):
            members.append(("anyOf", .list([schema(wrapped), .map([("type", .string("null"))])])))
        }
        if let description { members.append(("description", .string(description))) }
        return .map(members)
    }
}
