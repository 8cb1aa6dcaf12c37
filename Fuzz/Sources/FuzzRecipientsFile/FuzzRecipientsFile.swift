import ActorKeys
import FuzzSupport

// Recipients files as age -R reads them (one age1… a line, `#` comments, blank lines, CRLF). A
// file either fails as a malformed recipient or parses to recipients that encode back to their
// lines, in order, and parse again to themselves.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRecipientsFile(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let contents = UnsafeRawBufferPointer(start: start, count: count)
    guard
        let recipients = outcome(
            failingOnlyAs: .malformedRecipient, "a recipients file",
            { () throws(ActorKeysError) in try RecipientsFile.parse(contents) })
    else { return 0 }
    let lines = KeyFileLines.significant(in: contents)
    require(lines.count == recipients.count, "\(recipients.count) recipients from \(lines.count) lines")
    for (recipient, line) in zip(recipients, lines) {
        let lowercased = line.map { (0x41...0x5A).contains($0) ? $0 + 0x20 : $0 }
        require(Array(recipient.encoded.utf8) == lowercased, "a recipient encodes to another line than its own")
        require(
            (try? AgeRecipient(parsing: recipient.encoded)) == recipient, "an encoded recipient parses to another")
    }
    return 0
}

@main
enum FuzzRecipientsFileMain {
    static func main() { FuzzDriver.run(fuzzRecipientsFile) }
}
