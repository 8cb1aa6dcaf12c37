import ActorKeys
import Admin
import ArgumentParser
import FoundationEssentials
import Ledger

extension ActorKeysCommand.Ledger {
    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Append JSON Lines {\"actor_id\", \"kind\", \"payload\" or \"payload_base64\", \"encrypt\"} in batched transactions.",
            discussion: """
                Reads standard input (or --file). Every line is checked before anything is written; an \
                invalid line stops the import with its line number and nothing is appended. Prints how \
                many entries were appended.
                """
        )

        @Option(name: .long, help: ArgumentHelp("Read from this file.", valueName: "F"))
        var file: String?

        @Option(name: .customLong("batch-size"), help: ArgumentHelp("Entries per transaction.", valueName: "N"))
        var batchSize = 1000

        @OptionGroup var workspace: WorkspaceOptions
        @OptionGroup var output: OutputOptions

        struct Line: Decodable {
            let actorID: String
            let kind: String?
            let payload: String?
            let payloadBase64: String?
            let encrypt: Bool?

            enum CodingKeys: String, CodingKey {
                case actorID = "actor_id", kind, payload, payloadBase64 = "payload_base64", encrypt
            }
        }

        func validate() throws {
            guard (1...10_000).contains(batchSize) else { throw ValidationError("--batch-size is between 1 and 10000.") }
        }

        func run() async throws {
            let entries = try parse(try readAll(file))
            let ledger = try await workspace.open().ledger
            var appended = 0
            var start = 0
            while start < entries.count {
                let batch = Array(entries[start..<min(start + batchSize, entries.count)])
                do { appended += try await ledger.append(batch).count } catch {
                    throw CLIError(.failed, "\(error.message) (\(appended) of \(entries.count) entries were appended, in whole batches)")
                }
                start += batch.count
            }
            if output.json { try output.printJSON(["appended": appended]) } else { print("appended \(appended) entries") }
        }

        private func parse(_ bytes: [UInt8]) throws(CLIError) -> [NewEntry] {
            var entries: [NewEntry] = []
            let decoder = JSONDecoder()
            for (index, raw) in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated() {
                let line = raw.last == UInt8(ascii: "\r") ? raw.dropLast() : raw
                if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
                do {
                    let decoded = try decoder.decode(Line.self, from: Data(line))
                    let payload: [UInt8]
                    let format: PayloadFormat
                    switch (decoded.payload, decoded.payloadBase64) {
                    case (let text?, nil): payload = Array(text.utf8); format = .text
                    case (nil, let base64?):
                        guard let data = Data(base64Encoded: base64) else { throw CLIError(.usage, "payload_base64 is not base64") }
                        payload = [UInt8](data); format = .binary
                    default: throw CLIError(.usage, "give exactly one of payload and payload_base64")
                    }
                    entries.append(try NewEntry(
                        actor: try ActorID(decoded.actorID), kind: decoded.kind ?? "prompt", payload: payload, format: format,
                        encrypt: decoded.encrypt ?? true))
                } catch {
                    let reason = (error as? CLIError)?.message ?? (error as? LedgerError)?.message ?? (error as? ActorKeysError)?.message ?? "not a JSON object of the expected shape"
                    throw CLIError(.usage, "line \(index + 1): \(reason); nothing was imported")
                }
            }
            return entries
        }

        private func readAll(_ path: String?) throws(CLIError) -> [UInt8] {
            let input = try InputFile(path: path)
            defer { input.close() }
            var source = input.source
            var bytes: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 1 << 20)
            while true {
                let count: Int
                do { count = try buffer.withUnsafeMutableBytes { raw in try source.read(into: raw) } } catch { throw CLIError(error) }
                if count == 0 { return bytes }
                bytes += buffer[0..<count]
            }
        }
    }
}
