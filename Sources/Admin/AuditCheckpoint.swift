import ActorKeys
import Ledger

/// AuditCheckpoint is a head of the audit chain kept outside the database: the sequence number
/// and hash of an event. A hash chain kept in the database it guards cannot show that its newest
/// events were cut off; a head kept elsewhere can. Every process writes the newest event it
/// appended to `<home>/audit-head` (0600, replaced atomically, never moved back), and
/// `audit verify` holds the database to it, and to any head given by hand (`--head SEQ:HASH`,
/// for one kept off the machine, such as the last line of `audit list --json`).
public struct AuditCheckpoint: Sendable, Hashable, CustomStringConvertible {
    public let sequence: Int64
    public let hash: String
    /// Where it came from: the file, or "--head".
    public let source: String

    public init(sequence: Int64, hash: String, source: String) {
        self.sequence = sequence
        self.hash = hash
        self.source = source
    }

    /// `SEQ:HASH` (what `--head` takes and `audit-head` holds).
    public init?(parsing text: String, source: String) {
        let parts = text.split(separator: ":", maxSplits: 1)
        guard parts.count == 2, let sequence = Int64(parts[0]), sequence > 0,
            parts[1].count == 64, parts[1].allSatisfy(\.isHexDigit)
        else { return nil }
        self.init(sequence: sequence, hash: String(parts[1]).lowercased(), source: source)
    }

    public var description: String { "\(sequence):\(hash)" }

    static func path(home: String) -> String { FilePath.join(home, "audit-head") }

    /// The checkpoint in `home`, if there is one; a file that does not parse is reported as such.
    static func read(home: String) throws(AdminError) -> AuditCheckpoint? {
        let path = path(home: home)
        guard FilePath.exists(path) else { return nil }
        let contents: SecretBytes
        do { contents = try FilePath.readSecret(path, limit: 256) } catch { throw AdminError(error) }
        let text = String(contents.withUnsafeBytes { String(decoding: $0, as: UTF8.self) }.filter { !$0.isWhitespace })
        guard let checkpoint = AuditCheckpoint(parsing: text, source: path) else {
            throw AdminError(.corrupt, "the audit checkpoint \(path) is not SEQ:HASH")
        }
        return checkpoint
    }

    /// Moves the checkpoint in `home` to `event`, unless it already holds a later one. Best
    /// effort: the event is in the database whatever happens here.
    static func advance(home: String, to event: AuditRecord) {
        if let current = try? read(home: home), current.sequence >= event.sequence { return }
        guard FilePath.exists(home) else { return }
        guard let writer = try? AtomicFileWriter(destination: path(home: home), mode: 0o600) else { return }
        do {
            try writer.write(Array("\(event.sequence):\(event.hash)\n".utf8))
            try writer.commit(.replace)
        } catch {
            writer.discard()
        }
    }
}

extension KeyAdministration {
    /// Holds the database's chain to `checkpoint`: the event it names must be there, with its
    /// hash. Returns the problem, or nil.
    func check(_ checkpoint: AuditCheckpoint) async throws(AdminError) -> String? {
        let page = try await admin { try await store.auditEvents(after: checkpoint.sequence - 1, limit: 1) }
        guard let event = page.first, event.sequence == checkpoint.sequence else {
            let last = try await admin { try await store.lastAuditSequence() }
            return
                "the trail was cut: \(checkpoint.source) holds event \(checkpoint.sequence), the database ends at \(last)"
        }
        guard event.hash == checkpoint.hash else {
            return "event \(checkpoint.sequence) differs from \(checkpoint.source): the trail was rewritten"
        }
        return nil
    }
}
