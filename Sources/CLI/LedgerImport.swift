import ActorKeys
import Admin
import ArgumentParser
import Ledger

extension ActorKeysCommand.Ledger {
    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "import",
            abstract:
                "Append JSON Lines {\"actor_id\", \"kind\", \"payload\" or \"payload_base64\", \"encrypt\"} in batched transactions.",
            discussion: """
                Reads standard input (or --file). Every line is checked before anything is written, its \
                writer included (enrolled, not shredded); an invalid line stops the import with its line \
                number and nothing is appended. Prints how many entries were appended.
                """
        )

        @Option(name: .long, help: ArgumentHelp("Read from this file.", valueName: "F"))
        var file: String?

        @Option(name: .customLong("batch-size"), help: ArgumentHelp("Entries per transaction.", valueName: "N"))
        var batchSize = 1000

        @OptionGroup var workspace: WorkspaceOptions
        @OptionGroup var output: OutputOptions

        func validate() throws {
            guard (1...10_000).contains(batchSize) else {
                throw ValidationError("--batch-size is between 1 and 10000.")
            }
        }

        func run() async throws {
            let lines = try parse(try readAll(file))
            let administration = try await workspace.administration()
            try await checkWriters(of: lines, with: administration)
            let entries = lines.map(\.entry)
            let ledger = administration.workspace.ledger
            var appended = 0
            var start = 0
            while start < entries.count {
                let batch = Array(entries[start..<min(start + batchSize, entries.count)])
                do { appended += try await ledger.append(batch).count } catch {
                    throw CLIError(
                        .failed,
                        "\(error.message) (\(appended) of \(entries.count) entries were appended, in whole batches)")
                }
                start += batch.count
            }
            if output.json {
                try output.printJSON(ImportReport(appended: appended))
            } else {
                print("appended \(appended) entries")
            }
        }

        /// Every line decoded as the API decodes a `POST /v1/ledger/entries` body (strictly: no
        /// unknown or repeated field, no null), with `actor_id` required.
        private func parse(_ bytes: [UInt8]) throws(CLIError) -> [(line: Int, entry: NewEntry)] {
            var entries: [(line: Int, entry: NewEntry)] = []
            for (index, raw) in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
                .enumerated()
            {
                let line = raw.last == UInt8(ascii: "\r") ? raw.dropLast() : raw
                if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
                do {
                    entries.append((index + 1, try AppendEntryRequest.decode(Array(line)).entry()))
                } catch {
                    throw CLIError(.usage, "line \(index + 1): \(error.message); nothing was imported")
                }
            }
            return entries
        }

        /// Every writer must be enrolled and not shredded before the first batch is written: the
        /// first line whose writer is not stops the import, with that failure's exit code.
        private func checkWriters(
            of lines: [(line: Int, entry: NewEntry)], with administration: KeyAdministration
        ) async throws(CLIError) {
            var checked: Set<ActorID> = []
            for (line, entry) in lines where checked.insert(entry.actor).inserted {
                do throws(AdminError) {
                    let writer = try await administration.actor(entry.actor)
                    if writer.actor.isShredded {
                        throw AdminError(.conflict, "actor \(entry.actor) was shredded and cannot write")
                    }
                } catch {
                    throw CLIError(AdminError(error.code, "line \(line): \(error.message); nothing was imported"))
                }
            }
        }

        private func readAll(_ path: String?) throws(CLIError) -> [UInt8] {
            let input = try InputFile(path: path)
            defer { input.close() }
            var source = input.source
            var bytes: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 1 << 20)
            while true {
                let count: Int
                do { count = try buffer.withUnsafeMutableBytes { raw in try source.read(into: raw) } } catch {
                    throw CLIError(error)
                }
                if count == 0 { return bytes }
                bytes += buffer[0..<count]
            }
        }
    }
}
