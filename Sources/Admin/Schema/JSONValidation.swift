import ActorKeys
import Synchronization

/// Checking a JSON value against a JSONType: how requests are refused and how the tests hold
/// every response to the schema the OpenAPI document states.
extension JSONType {
    /// What is wrong with `value`, as the end of a sentence ("must be a string"), or nil when
    /// it conforms. `schemas` resolves references to named object schemas.
    public func violation(by value: JSONValue, schemas: (String) -> ObjectDescription?) -> String? {
        switch (self, value) {
        case (.nullable, .null):
            return nil
        case (.nullable(let wrapped), _):
            return wrapped.violation(by: value, schemas: schemas)
        case (_, .null):
            return "must not be null"
        case (.string(let rules), .string(let text)):
            return rules.violation(by: text)
        case (.integer(let minimum, let maximum), .number(let number)):
            guard let integer = Int64(exactly: number) else { return "must be an integer" }
            if let minimum, integer < minimum { return "must be at least \(minimum)" }
            if let maximum, integer > maximum { return "must be at most \(maximum)" }
            return nil
        case (.boolean, .bool):
            return nil
        case (.array(let element), .array(let items)):
            for (index, item) in items.enumerated() {
                if let problem = element.violation(by: item, schemas: schemas) { return "[\(index)] \(problem)" }
            }
            return nil
        case (.map(let element), .object(let members)):
            for (key, member) in members.sorted(by: { $0.key < $1.key }) {
                if let problem = element.violation(by: member, schemas: schemas) { return "[\"\(key)\"] \(problem)" }
            }
            return nil
        case (.reference(let name), .object(let members)):
            guard let object = schemas(name) else { return "refers to an unknown schema \(name)" }
            return object.violation(by: members, schemas: schemas)
        default:
            return "must be \(summary)"
        }
    }

    /// The type in words, for messages.
    var summary: String {
        switch self {
        case .string(let rules): rules.values.map { "one of " + $0.joined(separator: ", ") } ?? "a string"
        case .integer: "an integer"
        case .boolean: "true or false"
        case .array: "an array"
        case .map, .reference: "an object"
        case .nullable(let wrapped): wrapped.summary + " or null"
        }
    }
}

extension StringRules {
    func violation(by text: String) -> String? {
        if let values, !values.contains(text) { return "must be one of \(values.joined(separator: ", "))" }
        let length = text.unicodeScalars.count
        if let minLength, length < minLength { return "must be at least \(minLength) characters" }
        if let maxLength, length > maxLength { return "must be at most \(maxLength) characters" }
        if forbidsNUL, text.utf8.contains(0) { return "must not contain NUL" }
        if let pattern, !Patterns.matches(pattern, text) { return "must match \(pattern)" }
        if format == "date-time", Timestamp(rfc3339: text) == nil { return "must be a date-time (RFC 3339)" }
        if let excluded, excluded.contains(text) { return "must not be \(text) (reserved)" }
        return nil
    }
}

extension ObjectDescription {
    /// What is wrong with an object meant to follow this schema: a missing required property,
    /// one it does not know, or a property of the wrong type.
    public func violation(by members: [String: JSONValue], schemas: (String) -> ObjectDescription?) -> String? {
        for property in properties where property.required && members[property.name] == nil {
            return "lacks required property \"\(property.name)\" (\(name))"
        }
        for key in members.keys.sorted() {
            guard let property = properties.first(where: { $0.name == key }) else {
                return "has unknown property \"\(key)\" (\(name))"
            }
            if let problem = property.type.violation(by: members[key]!, schemas: schemas) {
                return ".\(key) \(problem)"
            }
        }
        return rules.lazy.compactMap { $0.violation(by: members) }.first.map { "\($0) (\(name))" }
    }
}

/// Patterns compiles each schema pattern once: requests (and every line of an import) are
/// checked against the same few. `Regex` is not Sendable, so the compiled patterns never leave
/// the lock: a match runs under it (a few microseconds).
enum Patterns {
    private static let cache = Mutex<[String: Regex<AnyRegexOutput>?]>([:])

    static func matches(_ pattern: String, _ text: String) -> Bool {
        cache.withLock { cache in
            if cache[pattern] == nil { cache[pattern] = .some(try? Regex(pattern)) }
            guard let regex = cache[pattern] ?? nil else { return false }
            return (try? regex.firstMatch(in: text)) != nil
        }
    }
}
