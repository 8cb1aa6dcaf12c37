import FoundationEssentials
import Hummingbird

/// JSONBody reads a request body as one JSON object, strictly: a limit on its size (413), JSON
/// that parses (400), an object (422), only the fields a route knows (422 naming the unknown
/// one), and the right type for each (422 naming the field). Nothing reaches a use case until
/// all of that holds.
struct JSONBody {
    private let fields: [String: JSONValue]

    static func read(_ request: Request, limit: Int, allowed: Set<String>) async throws -> JSONBody {
        var request = request
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: limit)
        } catch {
            throw APIError(.contentTooLarge, "body_too_large", "the request body is larger than \(limit) bytes")
        }
        let data = Data(buffer: buffer)
        if data.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
            return JSONBody(fields: [:])
        }
        let value: JSONValue
        do {
            value = try JSONDecoder().decode(JSONValue.self, from: data)
        } catch {
            throw APIError.badRequest("the request body is not valid JSON")
        }
        guard case .object(let fields) = value else { throw APIError.invalid("the request body must be a JSON object") }
        if let duplicate = JSONKeyScanner.duplicateTopLevelKey(in: [UInt8](data)) {
            throw APIError.invalid("field \"\(duplicate.prefix(64))\" appears more than once")
        }
        if let unknown = fields.keys.sorted().first(where: { !allowed.contains($0) }) {
            throw APIError.invalid("unknown field \"\(unknown.prefix(64))\"; allowed: \(allowed.sorted().joined(separator: ", "))")
        }
        return JSONBody(fields: fields)
    }

    /// A string field; nil when absent or null.
    func string(_ name: String) throws -> String? {
        switch fields[name] {
        case nil, .null: return nil
        case .string(let text): return text
        default: throw APIError.invalid("field \"\(name)\" must be a string")
        }
    }

    func requireString(_ name: String) throws -> String {
        guard let text = try string(name) else { throw APIError.invalid("field \"\(name)\" is required") }
        return text
    }

    func bool(_ name: String) throws -> Bool? {
        switch fields[name] {
        case nil, .null: return nil
        case .bool(let flag): return flag
        default: throw APIError.invalid("field \"\(name)\" must be true or false")
        }
    }
}

/// JSONValue is any JSON value, decoded without interpreting it.
indirect enum JSONValue: Decodable, Sendable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let flag = try? container.decode(Bool.self) { self = .bool(flag) }
        else if let number = try? container.decode(Double.self) { self = .number(number) }
        else if let text = try? container.decode(String.self) { self = .string(text) }
        else if let array = try? container.decode([JSONValue].self) { self = .array(array) }
        else { self = .object(try container.decode([String: JSONValue].self)) }
    }
}
