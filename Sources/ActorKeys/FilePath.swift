#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// FilePath holds the small POSIX path and file helpers the key store needs.
public enum FilePath {
    /// Splits a path into its directory (`.` when there is none) and last component.
    public static func split(_ path: String) -> (directory: String, base: String) {
        guard let slash = path.lastIndex(of: "/") else { return (".", path) }
        let directory = String(path[..<slash])
        return (directory.isEmpty ? "/" : directory, String(path[path.index(after: slash)...]))
    }

    public static func join(_ directory: String, _ component: String) -> String {
        directory.hasSuffix("/") ? directory + component : directory + "/" + component
    }

    /// Creates `path` and any missing parents with mode 0700. Existing directories are left as
    /// they are; a non-directory in the way is an error.
    public static func makeDirectories(_ path: String) throws(ActorKeysError) {
        var status = stat()
        if stat(path, &status) == 0 {
            guard (status.st_mode & S_IFMT) == S_IFDIR else {
                throw ActorKeysError(.writeFailed, "cannot create directory \(path): a file is in the way")
            }
            return
        }
        let parent = split(path).directory
        if parent != path, parent != ".", parent != "/" { try makeDirectories(parent) }
        if mkdir(path, 0o700) != 0 && errno != EEXIST {
            throw ActorKeysError(.writeFailed, "cannot create directory \(path): \(describe(errno))")
        }
    }

    /// `path` made absolute against the current directory (not resolving links or `..`).
    public static func absolute(_ path: String) -> String {
        guard !path.hasPrefix("/") else { return path }
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        guard getcwd(&buffer, buffer.count) != nil else { return path }
        let directory = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let relative = path.hasPrefix("./") ? String(path.dropFirst(2)) : path
        return join(directory, relative)
    }

    public static func exists(_ path: String) -> Bool {
        var status = stat()
        return lstat(path, &status) == 0
    }

    /// Reads a whole file into zeroing storage, refusing files larger than `limit` bytes.
    public static func readSecret(_ path: String, limit: Int) throws(ActorKeysError) -> SecretBytes {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            let code = errno
            if code == ENOENT { throw ActorKeysError(.notFound, "\(path) does not exist") }
            throw ActorKeysError(.readFailed, "cannot open \(path): \(describe(code))")
        }
        defer { close(fd) }
        return try readSecret(descriptor: fd, name: path, limit: limit)
    }

    /// Reads everything from a descriptor into zeroing storage, up to `limit` bytes.
    public static func readSecret(descriptor fd: Int32, name: String, limit: Int) throws(ActorKeysError) -> SecretBytes
    {
        // The scratch buffer grows by doubling; every buffer it leaves behind is zeroed first.
        var scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: min(4096, limit + 1), alignment: 16)
        defer {
            Sodium.memzero(scratch)
            scratch.deallocate()
        }
        var total = 0
        while true {
            if total == scratch.count {
                guard scratch.count <= limit else {
                    throw ActorKeysError(.readFailed, "\(name) is larger than \(limit) bytes")
                }
                let larger = UnsafeMutableRawBufferPointer.allocate(
                    byteCount: min(scratch.count * 2, limit + 1), alignment: 16)
                larger.copyMemory(from: UnsafeRawBufferPointer(scratch))
                Sodium.memzero(scratch)
                scratch.deallocate()
                scratch = larger
            }
            let count = read(fd, scratch.baseAddress! + total, scratch.count - total)
            if count < 0 {
                if errno == EINTR { continue }
                throw ActorKeysError(.readFailed, "cannot read \(name): \(describe(errno))")
            }
            if count == 0 { break }
            total += count
        }
        return SecretBytes(copying: UnsafeRawBufferPointer(rebasing: scratch[0..<total]))
    }

    /// Writes all of `bytes` to `descriptor`, retrying short writes and interrupted calls.
    /// Returns 0, or the errno of the failure.
    public static func writeAll(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer) -> Int32 {
        var offset = 0
        while offset < bytes.count {
            let written = write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                return errno
            }
            offset += written
        }
        return 0
    }

    /// Overwrites a regular file with zeros, syncs it, and unlinks it. Missing files are fine.
    public static func eraseFile(_ path: String) throws(ActorKeysError) {
        var status = stat()
        guard lstat(path, &status) == 0 else { return }
        if (status.st_mode & S_IFMT) == S_IFREG {
            let fd = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW)
            if fd >= 0 {
                let zeros = [UInt8](repeating: 0, count: 4096)
                var remaining = Int(status.st_size)
                while remaining > 0 {
                    let chunk = min(remaining, zeros.count)
                    let failure = zeros.withUnsafeBytes {
                        writeAll(fd, UnsafeRawBufferPointer(rebasing: $0[0..<chunk]))
                    }
                    if failure != 0 { break }
                    remaining -= chunk
                }
                fsync(fd)
                close(fd)
            }
        }
        guard unlink(path) == 0 || errno == ENOENT else {
            throw ActorKeysError(.writeFailed, "cannot remove \(path): \(describe(errno))")
        }
    }

    /// The names in a directory, without `.` and `..`; nil when it cannot be read.
    public static func entries(of directory: String) -> [String]? {
        guard let stream = opendir(directory) else { return nil }
        defer { closedir(stream) }
        var names: [String] = []
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// fsyncs a directory so a new or renamed entry survives a crash. Best effort: some file
    /// systems refuse to sync directories, and the file itself is already durable.
    static func syncDirectory(_ path: String) {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return }
        _ = fsync(fd)
        close(fd)
    }

    static func describe(_ code: Int32) -> String {
        String(cString: strerror(code)).lowercased()
    }
}
