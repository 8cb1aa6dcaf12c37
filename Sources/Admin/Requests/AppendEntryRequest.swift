import ActorKeys
import Envelope
import Ledger

/// `POST /v1/ledger/entries`, and one line of `ledger import`: an entry to append.
public struct AppendEntryRequest: JSONRequest {
    public var actorID: String?
    public var kind: String?
    public var payload: String?
    public var payloadBase64: String?
    public var encrypt: Bool?

    public init() {}

    public static let schema = RequestSchema<Self>(
        "AppendEntryRequest", "An entry: exactly one of payload and payload_base64.",
        [
            .init("actor_id", \.actorID, "The writer (default over HTTP: the token's actor).", as: .slug),
            .init("kind", \.kind, "What the entry is. Default prompt.", as: .entryKind),
            .init(
                "payload", \.payload, "The payload as UTF-8 text, without NUL. Excludes payload_base64.",
                as: .string(StringRules(forbidsNUL: true))),
            .init("payload_base64", \.payloadBase64, "The payload as base64 bytes. Excludes payload.", as: .base64),
            .init("encrypt", \.encrypt, "Seal it under the writer's key (or the shared key). Default true."),
        ], rules: [.exactlyOne(["payload", "payload_base64"])])

    /// The entry for `writer` (the request's actor_id, or the default the caller gives).
    public func entry(defaultWriter: ActorID? = nil) throws(AdminError) -> NewEntry {
        let writer: ActorID
        if let actorID {
            do { writer = try ActorID(actorID) } catch { throw AdminError(error) }
        } else if let defaultWriter {
            writer = defaultWriter
        } else {
            throw AdminError(.invalidArgument, "field \"actor_id\" is required")
        }
        let bytes: [UInt8]
        let format: PayloadFormat
        switch (payload, payloadBase64) {
        case (let text?, nil):
            bytes = Array(text.utf8)
            format = .text
        case (nil, let encoded?):
            guard let decoded = Base64.decode(encoded) else {
                throw AdminError(.invalidArgument, "field \"payload_base64\" is not base64")
            }
            bytes = decoded
            format = .binary
        default:
            throw AdminError(.invalidArgument, "give exactly one of payload and payload_base64")
        }
        do {
            return try NewEntry(
                actor: writer, kind: kind ?? "prompt", payload: bytes, format: format, encrypt: encrypt ?? true)
        } catch {
            throw AdminError(error)
        }
    }
}
