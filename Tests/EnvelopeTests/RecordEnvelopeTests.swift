import ActorKeys
import Testing

@testable import Envelope

@Suite("record envelope and data keys")
struct RecordEnvelopeTests {
    let dataKey = DataKey.generate()
    let alice = try! ActorID("alice")

    func context(_ owner: Owner, _ entry: String) -> RecordContext { try! RecordContext(owner: owner, entryID: entry) }

    @Test("seal then open, with a fixed 57-byte overhead", arguments: [0, 1, 64, 1024, 16 * 1024, 1024 * 1024])
    func roundTrip(size: Int) throws {
        let plaintext = pattern(size)
        let record = try RecordEnvelope.seal(plaintext, with: dataKey, context: context(.actor(alice), "entry-1"))
        #expect(record.count == size + 57)
        #expect(RecordEnvelope.overhead == 57)
        #expect(record[0] == RecordEnvelope.version)
        #expect(try RecordEnvelope.dataKeyID(of: record) == dataKey.id)
        #expect(try RecordEnvelope.open(record, with: dataKey, context: context(.actor(alice), "entry-1")) == plaintext)
    }

    @Test("the layout is version, data key id, nonce, ciphertext and tag, as docs/record-format.md says")
    func layout() throws {
        let record = try RecordEnvelope.seal(Array("hi".utf8), with: dataKey, context: context(.shared, "e"))
        #expect(Array(record[1..<17]) == dataKey.id.bytes)
        // Two seals of the same input differ only from the random nonce on.
        let again = try RecordEnvelope.seal(Array("hi".utf8), with: dataKey, context: context(.shared, "e"))
        #expect(record[0..<17] == again[0..<17])
        #expect(record[17..<41] != again[17..<41])
    }

    @Test("a record moved to another entry or owner does not open")
    func contextBinding() throws {
        let record = try RecordEnvelope.seal(
            Array("secret prompt".utf8), with: dataKey, context: context(.actor(alice), "entry-1"))
        let others: [RecordContext] = [
            context(.actor(alice), "entry-2"), context(.shared, "entry-1"),
            context(.actor(try ActorID("bob")), "entry-1"),
            context(.actor(try ActorID("alicf")), "entry-1"), context(.actor(alice), "entry-1 "),
        ]
        for other in others {
            let error = #expect(throws: EnvelopeError.self) {
                try RecordEnvelope.open(record, with: dataKey, context: other)
            }
            #expect(error?.code == .malformedRecord)
        }
        // The length prefixes keep owner and entry apart: "ab"+"c" is not "a"+"bc".
        let ab = try RecordEnvelope.seal([1], with: dataKey, context: context(.actor(try ActorID("ab")), "c"))
        #expect(throws: EnvelopeError.self) {
            try RecordEnvelope.open(ab, with: dataKey, context: context(.actor(try ActorID("a")), "bc"))
        }
    }

    @Test("truncated, altered, wrong-key and wrong-version records fail cleanly")
    func failures() throws {
        let ctx = context(.shared, "entry")
        let record = try RecordEnvelope.seal(pattern(100), with: dataKey, context: ctx)
        for length in 0..<record.count {
            #expect(throws: EnvelopeError.self) {
                try RecordEnvelope.open(Array(record.prefix(length)), with: dataKey, context: ctx)
            }
        }
        for index in record.indices {
            var altered = record
            altered[index] ^= 0x01
            let error = #expect(throws: EnvelopeError.self) {
                try RecordEnvelope.open(altered, with: dataKey, context: ctx)
            }
            #expect(error?.code == .malformedRecord)
        }
        let otherKey = DataKey(id: dataKey.id, key: .random(count: 32))
        let wrongKey = #expect(throws: EnvelopeError.self) {
            try RecordEnvelope.open(record, with: otherKey, context: ctx)
        }
        #expect(wrongKey?.message.contains("authenticate") == true)
        let otherID = #expect(throws: EnvelopeError.self) {
            try RecordEnvelope.open(record, with: DataKey.generate(), context: ctx)
        }
        #expect(otherID?.message == "record was sealed under another data key")
        var future = record
        future[0] = 2
        let version = #expect(throws: EnvelopeError.self) {
            try RecordEnvelope.open(future, with: dataKey, context: ctx)
        }
        #expect(version?.message == "record has an unknown version")
    }

    @Test("the buffer API seals and opens in place without a second buffer")
    func bufferAPI() throws {
        let ctx = context(.shared, "entry")
        let plaintext = pattern(1024)
        var record = [UInt8](repeating: 0, count: plaintext.count + RecordEnvelope.overhead)
        let written = try plaintext.withUnsafeBytes { input in
            try record.withUnsafeMutableBytes { try RecordEnvelope.seal(input, into: $0, with: dataKey, context: ctx) }
        }
        #expect(written == record.count)
        var opened = [UInt8](repeating: 0, count: plaintext.count)
        let read = try record.withUnsafeBytes { input in
            try opened.withUnsafeMutableBytes { try RecordEnvelope.open(input, into: $0, with: dataKey, context: ctx) }
        }
        #expect(read == plaintext.count && opened == plaintext)
        var small = [UInt8](repeating: 0, count: 10)
        #expect(throws: EnvelopeError.self) {
            try plaintext.withUnsafeBytes { input in
                try small.withUnsafeMutableBytes {
                    try RecordEnvelope.seal(input, into: $0, with: dataKey, context: ctx)
                }
            }
        }
    }

    @Test("entry ids are 1 to 255 bytes")
    func entryIDs() {
        #expect(throws: EnvelopeError.self) { try RecordContext(owner: .shared, entryID: "") }
        #expect(throws: EnvelopeError.self) {
            try RecordContext(owner: .shared, entryID: String(repeating: "x", count: 256))
        }
        #expect((try? RecordContext(owner: .shared, entryID: String(repeating: "x", count: 255))) != nil)
    }

    @Test("a data key wraps to an age file that any of its recipients unwraps")
    func wrapping() throws {
        let current = X25519Identity.generate()
        let previous = X25519Identity.generate()
        let wrapped = try dataKey.wrap(to: [.x25519(current.recipient), .x25519(previous.recipient)])
        #expect(wrapped.starts(with: Array("age-encryption.org/v1\n".utf8)))
        for identity in [current, previous] {
            let unwrapped = try DataKey.unwrap(wrapped, expectedID: dataKey.id, with: [identity])
            #expect(unwrapped.id == dataKey.id)
            let record = try RecordEnvelope.seal([9], with: dataKey, context: context(.shared, "e"))
            #expect(try RecordEnvelope.open(record, with: unwrapped, context: context(.shared, "e")) == [9])
        }
        let stranger = #expect(throws: EnvelopeError.self) {
            try DataKey.unwrap(wrapped, with: [X25519Identity.generate()])
        }
        #expect(stranger?.code == .noIdentityMatched)
        let misfiled = #expect(throws: EnvelopeError.self) {
            try DataKey.unwrap(wrapped, expectedID: .random(), with: [current])
        }
        #expect(misfiled?.code == .malformedRecord)
        // An age file with another payload is not a data key.
        let notAKey = try Age.encrypt([1, 2, 3], to: [current.recipient])
        #expect(throws: EnvelopeError.self) { try DataKey.unwrap(notAKey, with: [current]) }
        #expect(!String(describing: dataKey).contains("SecretBytes"))
        #expect(String(describing: dataKey) == "DataKey(\(dataKey.id.hex))")
    }

    @Test("rewrap is rekey: a new header for the new key, the payload bytes unchanged, the id checked")
    func rewrapping() throws {
        let old = X25519Identity.generate()
        let new = HybridIdentity.generate()
        let wrapped = try dataKey.wrap(to: [.x25519(old.recipient)])
        let rewrapped = try DataKey.rewrap(wrapped, expectedID: dataKey.id, with: [old], to: [.hybrid(new.recipient)])
        // The payload section (nonce and the one chunk: 16 + 48 + 16 bytes) is the same bytes.
        #expect(rewrapped.suffix(80) == wrapped.suffix(80))
        #expect(rewrapped.prefix(rewrapped.count - 80) != wrapped.prefix(wrapped.count - 80))
        #expect(try DataKey.unwrap(rewrapped, expectedID: dataKey.id, with: [new]).id == dataKey.id)
        let gone = #expect(throws: EnvelopeError.self) { try DataKey.unwrap(rewrapped, with: [old]) }
        #expect(gone?.code == .noIdentityMatched)
        let misfiled = #expect(throws: EnvelopeError.self) {
            try DataKey.rewrap(wrapped, expectedID: .random(), with: [old], to: [.hybrid(new.recipient)])
        }
        #expect(misfiled?.code == .malformedRecord)
        let notAKey = try Age.encrypt([1, 2, 3], to: [old.recipient])
        #expect(throws: EnvelopeError.self) {
            try DataKey.rewrap(notAKey, expectedID: dataKey.id, with: [old], to: [.x25519(old.recipient)])
        }
        var altered = wrapped
        altered[altered.count - 1] ^= 1
        let payload = #expect(throws: EnvelopeError.self) {
            try DataKey.rewrap(altered, expectedID: dataKey.id, with: [old], to: [.hybrid(new.recipient)])
        }
        #expect(payload?.code == .malformedPayload)
    }

    @Test("data key ids round-trip through hex and compare without allocation-heavy types")
    func dataKeyIDs() {
        let id = DataKeyID.random()
        #expect(DataKeyID(hex: id.hex) == id)
        #expect(id.hex.count == 32)
        #expect(DataKeyID(hex: "zz") == nil)
        #expect(DataKeyID(hex: String(repeating: "0", count: 31)) == nil)
    }

    @Test("a batch seals each record for its own context, on one lane or several", arguments: [3, 64, 300])
    func batch(count: Int) throws {
        // 300 records of 1 KiB take several lanes on a machine with more than one core.
        let plaintexts = (0..<count).map { index in pattern(1024 + index) }
        let contexts = (0..<count).map { index in context(.actor(alice), "entry-\(index)") }
        let records = try RecordEnvelope.seal(plaintexts, with: dataKey, contexts: contexts)
        #expect(records.count == count)
        var nonces = Set<[UInt8]>()
        for index in 0..<count {
            #expect(
                try RecordEnvelope.open(records[index], with: dataKey, context: contexts[index]) == plaintexts[index])
            #expect(throws: EnvelopeError.self) {
                try RecordEnvelope.open(records[index], with: dataKey, context: contexts[(index + 1) % count])
            }
            nonces.insert(Array(records[index][17..<41]))
        }
        #expect(nonces.count == count)
    }

    @Test("batch lanes cover every record once, in order, and a small batch stays on one lane")
    func lanes() {
        let big = Array(repeating: [UInt8](repeating: 1, count: 1024), count: 1000)
        for cores in 1...5 {
            let lanes = BatchLanes(big, cores: cores)
            #expect(lanes.count == cores)
            let covered = (0..<lanes.count).flatMap { Array(lanes.range($0, of: big.count)) }
            #expect(covered == Array(0..<big.count))
        }
        #expect(BatchLanes(Array(big.prefix(63)), cores: 4).count == 1)
        #expect(BatchLanes(Array(repeating: [1], count: 1000), cores: 4).count == 1)
        #expect(BatchLanes(Array(big.prefix(100)), cores: 8).count == 3)
    }
}
