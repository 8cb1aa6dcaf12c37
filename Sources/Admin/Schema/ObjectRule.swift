/// ObjectRule is a rule over several fields of an object at once, which no field's own schema
/// can state. Like a field's schema it has one home: the OpenAPI document states it (JSON
/// Schema 2020-12, `OpenAPIDocument`) and request decoding enforces it, so the two agree.
public enum ObjectRule: Sendable, Hashable {
    /// At most one of these fields may be given (rewrap: `actor_id` or `all`).
    case atMostOne([String])
    /// Exactly one of these fields must be given (an entry: `payload` or `payload_base64`).
    case exactlyOne([String])
    /// At least one field must be given (a PATCH that changes something).
    case notEmpty
    /// When `field` has the value `value`, each of `fields` must be given, and not empty.
    case requires([String], when: String, is: String)
    /// When `field` has the value `value`, none of `fields` may be given (enrolment: no
    /// `key_type` for an opt-in actor).
    case excludes([String], when: String, is: String)

    /// Whether the rule fails for an empty object, so that a body is required.
    public var needsAField: Bool {
        switch self {
        case .exactlyOne, .notEmpty: true
        case .atMostOne, .requires, .excludes: false
        }
    }

    /// What is wrong with `members`, as a sentence, or nil when the rule holds.
    public func violation(by members: [String: JSONValue]) -> String? {
        switch self {
        case .atMostOne(let names):
            let given = names.filter { members[$0] != nil }
            return given.count > 1 ? "give at most one of \(Self.list(names)), not \(Self.list(given))" : nil
        case .exactlyOne(let names):
            let given = names.filter { members[$0] != nil }
            return given.count == 1 ? nil : "give exactly one of \(Self.list(names))"
        case .notEmpty:
            return members.isEmpty ? "the body must give at least one field" : nil
        case .requires(let names, let field, let value):
            guard members[field] == .string(value) else { return nil }
            for name in names {
                guard case .string(let text) = members[name], !text.isEmpty else {
                    return "field \"\(name)\" is required when \(field) is \(value)"
                }
            }
            return nil
        case .excludes(let names, let field, let value):
            guard members[field] == .string(value) else { return nil }
            let given = names.filter { members[$0] != nil }
            return given.isEmpty ? nil : "field \"\(given[0])\" cannot be given when \(field) is \(value)"
        }
    }

    private static func list(_ names: [String]) -> String {
        names.count <= 2 ? names.joined(separator: " and ") : names.joined(separator: ", ")
    }
}
