internal import CSodium
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// NoncePool hands out record nonces: public random values, taken from a per-thread page of the
/// operating system CSPRNG's output (libsodium's `randombytes_buf`), refilled 4 KiB at a time.
/// A draw is then a copy, where drawing each nonce from the kernel costs a system call (about
/// 0.3 µs, a quarter of sealing 1 KiB in C, on the AMD EPYC of 2026-12-01; docs/record-format.md).
///
/// Fork safety: the page is mapped `MADV_WIPEONFORK`, so a forked child finds it zero-filled,
/// which reads as empty, and draws fresh bytes: a parent and its child never hand out the same
/// bytes. Where the kernel cannot wipe on fork (before Linux 4.14) there is no pool and every
/// draw goes to the kernel. Each byte is handed out once. Only public values come from here;
/// keys and file keys are drawn directly (`SecretBytes.random`), never kept in a pool.
enum NoncePool {
    /// The page: a filled flag (zero when the page is fresh, wiped or used up), the offset of
    /// the next unused byte, then the bytes.
    private static let pageSize = 4096
    private static let headerSize = 64
    private static let capacity = pageSize - headerSize

    /// One page per thread, unmapped when the thread ends; nil where pooling is unavailable.
    private static let pageKey: pthread_key_t = {
        var key = pthread_key_t()
        let status = pthread_key_create(&key) { page in
            if let page { _ = munmap(page, NoncePool.pageSize) }
        }
        precondition(status == 0, "pthread_key_create failed")
        return key
    }()

    /// Set once a page could not be wiped on fork: draw from the kernel from then on.
    private static let unavailable = Atomic<Bool>(false)

    /// Fills `count` bytes at `destination` with random bytes.
    @inline(__always)
    static func fill(_ destination: UnsafeMutableRawPointer, count: Int) {
        guard count <= capacity, let page = page() else {
            randombytes_buf(destination, count)
            return
        }
        let filled = page.assumingMemoryBound(to: Int.self)
        let offset = filled + 1
        if filled.pointee == 0 || offset.pointee + count > capacity {
            randombytes_buf(page + headerSize, capacity)
            offset.pointee = 0
            filled.pointee = 1
        }
        destination.copyMemory(from: page + headerSize + offset.pointee, byteCount: count)
        offset.pointee += count
    }

    @inline(__always)
    private static func page() -> UnsafeMutableRawPointer? {
        if let page = pthread_getspecific(pageKey) { return page }
        return newPage()
    }

    /// Maps this thread's page, wiped on fork; nil (and no pooling for anyone) if the kernel
    /// refuses the advice.
    private static func newPage() -> UnsafeMutableRawPointer? {
        guard !unavailable.load(ordering: .relaxed) else { return nil }
        guard let page = mmap(nil, pageSize, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
            page != MAP_FAILED
        else { return nil }
        guard madvise(page, pageSize, MADV_WIPEONFORK) == 0 else {
            munmap(page, pageSize)
            unavailable.store(true, ordering: .relaxed)
            return nil
        }
        pthread_setspecific(pageKey, page)
        return page
    }
}
