import Testing

@testable import Envelope

#if canImport(Glibc)
import Glibc
#endif

@Suite("record nonces")
struct NoncePoolTests {
    static func draw(_ count: Int = 24) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            NoncePool.fill(buffer.baseAddress!, count: count)
            initialized = count
        }
    }

    @Test("every nonce differs, across refills of the page, and draws larger than the page work")
    func distinct() {
        var seen = Set<[UInt8]>()
        for _ in 0..<20_000 { seen.insert(Self.draw()) }
        #expect(seen.count == 20_000)
        let large = Self.draw(10_000)
        #expect(Set(large).count > 200, "10,000 random bytes take most byte values")
    }

    @Test("a forked child draws fresh nonces, not the ones its parent draws next")
    func forkedChild() throws {
        _ = Self.draw()  // this thread's page exists and is part used
        // The Glibc module withholds fork(); the test needs the real one, as a server that
        // forks workers would call it.
        let symbol = try #require(dlsym(nil, "fork"))
        let fork = unsafeBitCast(symbol, to: (@convention(c) () -> pid_t).self)
        var pipeEnds: [Int32] = [0, 0]
        #expect(pipe(&pipeEnds) == 0)
        let childNonce = UnsafeMutableRawPointer.allocate(byteCount: 24, alignment: 8)
        defer { childNonce.deallocate() }
        let child = fork()
        if child == 0 {
            // The child: nothing but the draw and a write, then out.
            NoncePool.fill(childNonce, count: 24)
            _ = write(pipeEnds[1], childNonce, 24)
            _exit(0)
        }
        #expect(child > 0)
        close(pipeEnds[1])
        let parent = Self.draw()
        var received = [UInt8](repeating: 0, count: 24)
        let count = received.withUnsafeMutableBytes { read(pipeEnds[0], $0.baseAddress!, 24) }
        close(pipeEnds[0])
        var status: Int32 = 0
        waitpid(child, &status, 0)
        #expect(count == 24)
        #expect(received != parent, "the child handed out the parent's next nonce")
        #expect(received != [UInt8](repeating: 0, count: 24))
    }
}
