import ActorKeys
import Admin
import ArgumentParser
import Envelope
import Ledger

extension ActorKeysCommand.Ledger {
    struct Append: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "append",
            abstract: "Append an entry; the payload comes from standard input (or --file). Prints the entry id.",
            discussion:
                "Sealed under the actor's own key when it has one, else under the shared key; --plaintext stores it as is."
        )

        @Option(name: .long, help: ArgumentHelp("The writing actor.", valueName: "ID"))
        var actor: String

        @Option(name: .long, help: ArgumentHelp("What the entry is.", valueName: "KIND"))
        var kind = "prompt"

        @Flag(name: .long, help: "Store the payload unencrypted.")
        var plaintext = false

        @Option(name: .long, help: ArgumentHelp("Read the payload from this file.", valueName: "F"))
        var file: String?

        @OptionGroup var workspace: WorkspaceOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let id = try ActorID.parse(actor)
            let payload = try readPayload(file)
            let format: PayloadFormat =
                String(validating: payload, as: UTF8.self) != nil && !payload.contains(0) ? .text : .binary
            let ledger = try await workspace.open().ledger
            do {
                let entry = try NewEntry(actor: id, kind: kind, payload: payload, format: format, encrypt: !plaintext)
                let entryID = try await ledger.append(entry)
                guard output.json else { return print(entryID) }
                guard let stored = try await ledger.sealedEntry(entryID) else {
                    throw CLIError(.failed, "entry \(entryID) was appended but cannot be read back")
                }
                try output.printJSON(EntryReport(stored.entry, payload: nil))
            } catch let error as LedgerError {
                throw CLIError(error)
            }
        }
    }
}

/// Reads a payload from a file or standard input, up to the ledger's limit.
func readPayload(_ path: String?) throws(CLIError) -> [UInt8] {
    let input = try InputFile(path: path)
    defer { input.close() }
    var source = input.source
    var sink = BytesSink()
    var buffer = [UInt8](repeating: 0, count: 64 * 1024)
    while true {
        let count: Int
        do {
            count = try buffer.withUnsafeMutableBytes { raw in try source.read(into: raw) }
        } catch {
            throw CLIError(error)
        }
        if count == 0 { break }
        guard sink.bytes.count + count <= NewEntry.maxPayload else {
            throw CLIError(.failed, "the payload is larger than \(NewEntry.maxPayload) bytes")
        }
        do { try buffer.withUnsafeBytes { try sink.write(UnsafeRawBufferPointer(rebasing: $0[0..<count])) } } catch {
            throw CLIError(error)
        }
    }
    return sink.bytes
}
