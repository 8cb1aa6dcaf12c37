import ActorKeys
import FuzzSupport

@testable import Envelope

// The age header parser (C2SP age.md): any input either fails as a malformed header or parses
// to a header that encodes back to exactly the bytes read — the grammar admits one encoding of
// each header, and the MAC is computed over those bytes. Every input is then decrypted with
// fixed identities, for the X25519 and mlkem768x25519 stanza checks, the MAC and, past it, the
// payload.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzAgeHeader(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let input = Array(UnsafeRawBufferPointer(start: start, count: count))
    var source = BufferedSource(BytesSource(input))
    if let header = try? Header.parse(from: &source) {
        require(header.macInput == header.encodedWithoutMAC(), "the MAC input is not the canonical encoding")
        require(input.starts(with: header.encoded()), "a parsed header encodes to other bytes than it was read from")
    }
    _ = try? Age.decrypt(input, with: [FuzzKeys.identity, FuzzKeys.hybridIdentity], format: .binary)
    return 0
}

@main
enum FuzzAgeHeaderMain {
    static func main() { FuzzDriver.run(fuzzAgeHeader) }
}
