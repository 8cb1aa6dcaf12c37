import ActorKeys
import FuzzSupport

@testable import Envelope

// age's STREAM payload (64 KiB ChaCha20-Poly1305 chunks). An even first byte: the rest is a
// payload to decrypt under a fixed key, which must fail (no input can forge a chunk). An odd
// one: the input chooses a plaintext (small, or a few bytes either side of one or two chunk
// boundaries), one change to its ciphertext, the sizes in which the reader receives it and
// whether the reader knows the size up front (a file) or not (a pipe, read in 1 MiB batches);
// decryption must give back the plaintext exactly when nothing changed, and fail otherwise.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzStream(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    var input = FuzzInput(UnsafeRawBufferPointer(start: start, count: count))
    let mode = input.byte()
    if mode & 1 == 0 {
        let payload = input.rest()
        let opened = decrypt(
            ChoppySource(payload, readSizes: mode & 2 == 0 ? [] : [Int(mode)], reportsSize: mode & 12 != 0))
        require(opened == nil, "a payload that was never encrypted decrypted")
        return 0
    }
    let plaintext = choosePlaintext(&input)
    var sink = BytesSink()
    var source = BytesSource(plaintext)
    do throws(EnvelopeError) {
        try Stream.encrypt(from: &source, to: &sink, key: FuzzKeys.symmetricKey)
    } catch {
        fatalError("encrypting \(plaintext.count) bytes failed: \(error)")
    }
    let mutation = Mutation.read(from: &input, count: sink.bytes.count)
    let (ciphertext, changed) = mutation.apply(to: sink.bytes)
    let sizes = readSizes(&input, count: ciphertext.count)
    // One in four reads in pipe-sized batches; an exhausted input (0) reads a file.
    let opened = decrypt(ChoppySource(ciphertext, readSizes: sizes, reportsSize: input.byte() % 4 != 3))
    if changed {
        require(opened == nil, "a payload of \(plaintext.count) bytes decrypted after \(mutation)")
    } else {
        require(sameBytes(opened, plaintext), "a payload of \(plaintext.count) bytes did not decrypt to its plaintext")
    }
    return 0
}

/// Mostly short plaintexts; one in eight is 32 bytes or fewer away from one or two full chunks.
private func choosePlaintext(_ input: inout FuzzInput) -> [UInt8] {
    let selector = input.byte()
    let count: Int
    if selector < 224 {
        count = input.number(below: 2048)
    } else {
        let boundary = selector & 1 == 0 ? Stream.chunkSize : 2 * Stream.chunkSize
        count = boundary + input.number(below: 65) - 32
    }
    let seed = Int(input.byte())
    return Array(pattern[seed..<(seed + count)])
}

/// Bytes the plaintexts are cut from, made once: filling 128 KiB byte by byte in instrumented
/// code would cost more than the decryption under test.
private let pattern = (0..<(2 * Stream.chunkSize + 32 + 256)).map { UInt8(truncatingIfNeeded: $0 &* 131) }

/// Up to four read sizes from 1 byte to just over two sealed chunks, none so small that the
/// ciphertext takes more than about 512 reads.
private func readSizes(_ input: inout FuzzInput, count: Int) -> [Int] {
    (0..<Int(input.byte() % 5)).map { _ in max(count / 512, 1 + input.number(below: 2 * Stream.sealedChunkSize + 2)) }
}

private func decrypt(_ source: ChoppySource) -> [UInt8]? {
    var source = source
    return outcome(failingOnlyAs: .malformedPayload, "a payload") { () throws(EnvelopeError) in
        var sink = BytesSink()
        try Stream.decrypt(from: &source, to: &sink, key: FuzzKeys.symmetricKey)
        return sink.bytes
    }
}

@main
enum FuzzStreamMain {
    static func main() { FuzzDriver.run(fuzzStream) }
}
