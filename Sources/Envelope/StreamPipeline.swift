import ActorKeys
internal import CSodium
import Dispatch

/// StreamPipeline is the batching loop of both STREAM directions, on every core. It reads a
/// batch of chunks into a fixed buffer and turns each chunk into its output; while the chunks
/// of one batch are sealed or opened in parallel, one worker writes the batch before and reads
/// the batch after, so the I/O overlaps the cryptography. Output is written in order, a batch
/// only once every chunk of it succeeded, and memory stays constant: two input and two output
/// buffers, or one of each for a small input or a single core.
///
/// Until the input has ended at least one byte is held back: it decides which chunk is last.
///
/// `@unchecked Sendable`: while a batch runs, the worker doing I/O alone touches the source,
/// the sink, the other input buffer and the other output buffer, and each chunk's worker
/// touches only its chunk's bytes and its own cipher; the rounds are ordered by
/// `concurrentPerform`'s return.
final class StreamPipeline<Source: ByteSource, Sink: ByteSink>: @unchecked Sendable {
    /// Turns one input chunk into its output with a cipher no other chunk uses meanwhile.
    typealias Transform = (
        PayloadCipher, UnsafeRawBufferPointer, UnsafeMutableRawBufferPointer, _ counter: UInt64, _ last: Bool
    ) throws(EnvelopeError) -> Void

    enum PlaintextSide { case input, output }

    var source: Source
    var sink: Sink
    private let inputUnit: Int
    private let growth: Int
    private let plaintext: PlaintextSide
    private let transform: Transform
    private let makeCipher: () -> PayloadCipher
    private let inputCapacity: Int
    /// Two buffer sets when batches overlap, else one.
    private let sets: Int
    private let inputs: [UnsafeMutableRawBufferPointer]
    private let outputs: [UnsafeMutableRawBufferPointer]
    /// Plaintext bytes ever written to each set's plaintext side, the bytes zeroed at the end.
    private var written: [Int]
    /// One cipher per chunk of a batch when chunks run in parallel, else one; made on first use.
    private let ciphers: UnsafeMutableBufferPointer<PayloadCipher?>
    /// The first failure of each chunk of the batch running.
    private let failures: UnsafeMutableBufferPointer<EnvelopeError?>
    // The state of the round running.
    private var filled = 0
    private var nextFilled = 0
    private var current = 0
    /// The previous batch's output, not yet written: its set and length.
    private var unsent: (set: Int, count: Int)?
    private var writeFailure: EnvelopeError?
    private var readFailure: EnvelopeError?

    /// `transform` turns a chunk of up to `inputUnit` bytes into `chunk.count - inputUnit +
    /// outputUnit` bytes; `cores` above one lets large inputs run in parallel.
    init(
        source: Source, sink: Sink, inputUnit: Int, outputUnit: Int, zeroing plaintext: PlaintextSide, cores: Int,
        makeCipher: @escaping () -> PayloadCipher, transform: @escaping Transform
    ) {
        self.source = source
        self.sink = sink
        self.inputUnit = inputUnit
        self.growth = outputUnit - inputUnit
        self.plaintext = plaintext
        self.makeCipher = makeCipher
        self.transform = transform
        let batch = Stream.chunksPerBatch * inputUnit
        let expected = source.expectedByteCount
        // Just past the input when its size is known: small inputs use small buffers.
        let inputCapacity = expected.map { min(batch, $0 + 1) } ?? batch
        let sets = cores > 1 && (expected.map { $0 > 2 * inputUnit } ?? true) ? 2 : 1
        let maxChunks = (inputCapacity + inputUnit - 1) / inputUnit
        let outputCapacity = inputCapacity + maxChunks * max(0, outputUnit - inputUnit)
        self.inputCapacity = inputCapacity
        self.sets = sets
        inputs = (0..<sets).map { _ in .allocate(byteCount: inputCapacity, alignment: 64) }
        outputs = (0..<sets).map { _ in .allocate(byteCount: outputCapacity, alignment: 64) }
        written = Array(repeating: 0, count: sets)
        ciphers = .allocate(capacity: sets == 2 ? maxChunks : 1)
        ciphers.initialize(repeating: nil)
        failures = .allocate(capacity: maxChunks)
        failures.initialize(repeating: nil)
    }

    deinit {
        // Plaintext (possibly a data key) does not outlive the pipeline.
        for set in 0..<sets {
            let side = plaintext == .input ? inputs[set] : outputs[set]
            sodium_memzero(side.baseAddress!, written[set])
            inputs[set].deallocate()
            outputs[set].deallocate()
        }
        ciphers.deinitialize().deallocate()
        failures.deinitialize().deallocate()
    }

    /// Reads the whole source through `transform` into the sink.
    func run() throws(EnvelopeError) {
        filled = try read(into: 0, keeping: 0)
        var counter: UInt64 = 0
        while true {
            let ended = filled < inputCapacity
            let chunks = ended ? (filled + inputUnit - 1) / inputUnit : (filled - 1) / inputUnit
            // A source that holds more than it said fills a buffer sized to its word, too small
            // for a chunk and its look-ahead: refuse it rather than go round without progress.
            guard chunks > 0 || ended else { throw EnvelopeError(.invalidArgument, "buffer too small for one chunk") }
            if ended && chunks == 0 {
                // Encryption of empty input: one empty final chunk. Decryption: nothing to open.
                guard growth > 0 else { throw Stream.truncated }
                try transform(
                    cipher(0), UnsafeRawBufferPointer(rebasing: inputs[current][0..<0]),
                    UnsafeMutableRawBufferPointer(rebasing: outputs[current][0..<growth]), counter, true)
                try write(set: current, count: growth)
                return
            }
            let used = ended ? filled : chunks * inputUnit
            let produced = (chunks - 1) * (inputUnit + growth) + max(0, used - (chunks - 1) * inputUnit + growth)
            if plaintext == .output { written[current] = max(written[current], produced) }
            try round(chunks: chunks, used: used, produced: produced, counter: counter, ended: ended)
            counter += UInt64(chunks)
            if ended {
                if sets == 2 { try write(set: current, count: produced) }
                return
            }
            if sets == 2 {
                unsent = (current, produced)
                current = 1 - current
            }
            filled = nextFilled
        }
    }

    /// One batch: its chunks, and the I/O around it (the previous output written, the next
    /// input read), in parallel when two buffer sets allow it.
    private func round(chunks: Int, used: Int, produced: Int, counter: UInt64, ended: Bool) throws(EnvelopeError) {
        if sets == 2 && chunks > 1 {
            let work = RoundWork(
                io: { self.exchange(used: used, ended: ended) },
                chunk: { self.failures[$0] = self.chunk($0, chunks: chunks, counter: counter, ended: ended) })
            DispatchQueue.concurrentPerform(iterations: chunks + 1) { index in
                if index == 0 { work.io() } else { work.chunk(index - 1) }
            }
            if let writeFailure { throw writeFailure }
            for index in 0..<chunks {
                if let failure = failures[index] { throw failure }
            }
            if let readFailure { throw readFailure }
        } else {
            for index in 0..<chunks {
                if let failure = chunk(index, chunks: chunks, counter: counter, ended: ended) { throw failure }
            }
            if sets == 1 { unsent = (current, produced) }
            exchange(used: used, ended: ended)
            if let writeFailure { throw writeFailure }
            if let readFailure { throw readFailure }
        }
    }

    /// Chunk `index` of the batch in the current set; its failure, if any.
    private func chunk(_ index: Int, chunks: Int, counter: UInt64, ended: Bool) -> EnvelopeError? {
        let begin = index * inputUnit
        let length = min(inputUnit, filled - begin)
        let outputBegin = index * (inputUnit + growth)
        let outputLength = max(0, length + growth)
        do {
            try transform(
                cipher(sets == 2 ? index : 0),
                UnsafeRawBufferPointer(rebasing: inputs[current][begin..<(begin + length)]),
                UnsafeMutableRawBufferPointer(rebasing: outputs[current][outputBegin..<(outputBegin + outputLength)]),
                counter + UInt64(index), ended && index == chunks - 1)
            return nil
        } catch {
            return error
        }
    }

    /// The I/O of a round: writes the output not yet written, then, unless the input ended,
    /// moves the look-ahead past the batch's `used` bytes to the front of the next input and
    /// fills the rest. Failures are kept for the round to report in stream order.
    private func exchange(used: Int, ended: Bool) {
        writeFailure = nil
        readFailure = nil
        if let (set, count) = unsent {
            unsent = nil
            do { try write(set: set, count: count) } catch {
                writeFailure = error
                return
            }
        }
        guard !ended else { return }
        let next = sets == 2 ? 1 - current : current
        let pending = filled - used
        inputs[next].baseAddress!.copyMemory(from: inputs[current].baseAddress! + used, byteCount: pending)
        do { nextFilled = try read(into: next, keeping: pending) } catch { readFailure = error }
    }

    /// Fills set `set`'s input after its first `kept` bytes; returns the bytes it then holds.
    private func read(into set: Int, keeping kept: Int) throws(EnvelopeError) -> Int {
        let input = inputs[set]
        do {
            let count = kept + (try source.readFully(into: UnsafeMutableRawBufferPointer(rebasing: input[kept...])))
            if plaintext == .input { written[set] = max(written[set], count) }
            return count
        } catch {
            // A read that failed part way wrote an unknown count: zero the whole buffer.
            if plaintext == .input { written[set] = input.count }
            throw error
        }
    }

    private func write(set: Int, count: Int) throws(EnvelopeError) {
        try sink.write(UnsafeRawBufferPointer(rebasing: outputs[set][0..<count]))
    }

    private func cipher(_ slot: Int) -> PayloadCipher {
        if let cipher = ciphers[slot] { return cipher }
        let cipher = makeCipher()
        ciphers[slot] = cipher
        return cipher
    }
}

/// The work of one parallel round: the I/O, and each chunk by its index. Sendable for the
/// reason StreamPipeline is.
private struct RoundWork: @unchecked Sendable {
    let io: () -> Void
    let chunk: (Int) -> Void
}
