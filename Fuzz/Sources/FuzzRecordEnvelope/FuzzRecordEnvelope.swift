import ActorKeys
import Envelope
import FuzzSupport

// The record envelope (docs/record-format.md). An even first byte: the rest is a record to
// open under a fixed data key, which must fail. An odd one: a plaintext is sealed, then the
// input chooses one change to the record and whether it is opened in its own context or in
// another (another entry, another owner); it must open to the plaintext exactly when the
// record and the context are its own, and fail as a malformed record otherwise.

private let dataKey = DataKey(id: DataKeyID(hex: "00112233445566778899aabbccddeeff")!, key: FuzzKeys.symmetricKey)
private let contexts: [RecordContext] = {
    do {
        let alice = Owner.actor(try ActorID("alice"))
        return [
            try RecordContext(owner: alice, entryID: "entry-1"), try RecordContext(owner: alice, entryID: "entry-2"),
            try RecordContext(owner: .shared, entryID: "entry-1"),
            try RecordContext(owner: .actor(try ActorID("alicf")), entryID: "entry-1"),
        ]
    } catch {
        fatalError("fixed contexts: \(error)")
    }
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRecordEnvelope(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    var input = FuzzInput(UnsafeRawBufferPointer(start: start, count: count))
    let mode = input.byte()
    if mode & 1 == 0 {
        let record = input.rest()
        require(open(record, context: contexts[Int(mode >> 1) % contexts.count]) == nil, "a forged record opened")
        return 0
    }
    let length = input.number(below: 1024)
    let seed = input.byte()
    let plaintext = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ Int(seed)) }
    let record: [UInt8]
    do throws(EnvelopeError) {
        record = try RecordEnvelope.seal(plaintext, with: dataKey, context: contexts[0])
    } catch {
        fatalError("sealing \(length) bytes failed: \(error)")
    }
    let mutation = Mutation.read(from: &input, count: record.count)
    let (altered, changed) = mutation.apply(to: record)
    let context = input.byte() % 2 == 0 ? 0 : 1 + input.number(below: contexts.count - 1)
    let opened = open(altered, context: contexts[context])
    if changed || context != 0 {
        require(opened == nil, "a record opened after \(mutation) in context \(context)")
    } else {
        require(sameBytes(opened, plaintext), "a record did not open to its plaintext")
    }
    return 0
}

private func open(_ record: [UInt8], context: RecordContext) -> [UInt8]? {
    outcome(failingOnlyAs: .malformedRecord, "a record") { () throws(EnvelopeError) in
        try RecordEnvelope.open(record, with: dataKey, context: context)
    }
}

@main
enum FuzzRecordEnvelopeMain {
    static func main() { FuzzDriver.run(fuzzRecordEnvelope) }
}
