import ActorKeys
import FuzzSupport

// Identity files as age-keygen writes them (one AGE-SECRET-KEY-1… or AGE-SECRET-KEY-PQ-1… a line, `#` comments, blank
// lines, CRLF). A file either fails as a malformed identity or parses to identities that encode
// back to exactly their lines (only the canonical uppercase Bech32 is accepted), in order.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzIdentityFile(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let contents = UnsafeRawBufferPointer(start: start, count: count)
    guard
        let identities = outcome(
            failingOnlyAs: .malformedIdentity, "an identity file",
            { () throws(ActorKeysError) in try IdentityFile.parse(contents) })
    else { return 0 }
    let lines = KeyFileLines.significant(in: contents)
    require(lines.count == identities.count, "\(identities.count) identities from \(lines.count) lines")
    for (identity, line) in zip(identities, lines) {
        let encoded = identity.encodedSecretKey()
        encoded.withUnsafeBytes { require($0.elementsEqual(line), "an identity encodes to another line than its own") }
        let again = encoded.withUnsafeBytes { try? AgeIdentity(parsing: $0) }
        require(again?.recipient == identity.recipient, "an encoded identity parses to another key")
    }
    return 0
}

@main
enum FuzzIdentityFileMain {
    static func main() { FuzzDriver.run(fuzzIdentityFile) }
}
