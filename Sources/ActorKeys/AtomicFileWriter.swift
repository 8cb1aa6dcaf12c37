#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// ExistingFile says what to do when the destination of a write already exists.
public enum ExistingFile: Sendable {
    /// Fail with `.conflict`; checked atomically when the file is put in place (`link(2)`).
    case refuse
    /// Replace it atomically (`rename(2)`): readers see the old or the new file, never a mix.
    case replace
}

/// AtomicFileWriter writes a file so that it appears whole or not at all.
///
/// The bytes go to a temporary file created next to the destination with `O_EXCL` and the final
/// mode (so a key file is 0600 from its first byte), are fsynced, and are then put in place by
/// `commit`. A writer released without `commit` removes its temporary file.
public final class AtomicFileWriter {
    public let destination: String
    /// Path of the temporary file while the writer is open; nil after commit or discard.
    public private(set) var temporaryPath: String?
    private var descriptor: Int32

    /// Creates the temporary file for `destination` with permission bits `mode` (umask applies).
    public init(destination: String, mode: mode_t) throws(ActorKeysError) {
        self.destination = destination
        let (directory, base) = FilePath.split(destination)
        var lastErrno: Int32 = 0
        for _ in 0..<8 {
            let candidate = FilePath.join(directory, ".\(base).\(Hex.encode(SecretBytes.randomPublicBytes(6))).tmp")
            let fd = open(candidate, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode)
            if fd >= 0 {
                descriptor = fd
                temporaryPath = candidate
                return
            }
            lastErrno = errno
            if lastErrno != EEXIST { break }
        }
        throw ActorKeysError(
            .writeFailed, "cannot create a file next to \(destination): \(FilePath.describe(lastErrno))")
    }

    /// Appends `bytes`, retrying short writes and interrupted calls.
    public func write(_ bytes: UnsafeRawBufferPointer) throws(ActorKeysError) {
        let failure = FilePath.writeAll(descriptor, bytes)
        guard failure == 0 else {
            throw ActorKeysError(.writeFailed, "cannot write \(destination): \(FilePath.describe(failure))")
        }
    }

    /// Appends `bytes`.
    public func write(_ bytes: [UInt8]) throws(ActorKeysError) {
        try bytes.withUnsafeBytes { raw in Swift.Result { () throws(ActorKeysError) in try write(raw) } }.get()
    }

    /// Flushes the data to disk and puts the file in place, then syncs the directory entry.
    public func commit(_ existing: ExistingFile) throws(ActorKeysError) {
        guard let temporary = temporaryPath else { return }
        guard fsync(descriptor) == 0 else {
            throw ActorKeysError(.writeFailed, "cannot sync \(destination): \(FilePath.describe(errno))")
        }
        switch existing {
        case .refuse:
            guard link(temporary, destination) == 0 else {
                let code = errno
                if code == EEXIST { throw ActorKeysError(.conflict, "\(destination) already exists") }
                throw ActorKeysError(.writeFailed, "cannot create \(destination): \(FilePath.describe(code))")
            }
            unlink(temporary)
        case .replace:
            // Only a regular file is ever replaced: renaming over a device (/dev/null), a FIFO,
            // a directory or a symlink would swap out something that is not ours to replace.
            var status = stat()
            if lstat(destination, &status) == 0, (status.st_mode & S_IFMT) != S_IFREG {
                throw ActorKeysError(.writeFailed, "cannot replace \(destination): not a regular file")
            }
            guard rename(temporary, destination) == 0 else {
                throw ActorKeysError(.writeFailed, "cannot replace \(destination): \(FilePath.describe(errno))")
            }
        }
        temporaryPath = nil
        close(descriptor)
        descriptor = -1
        FilePath.syncDirectory(FilePath.split(destination).directory)
    }

    /// Removes the temporary file; the destination is untouched.
    public func discard() {
        if descriptor >= 0 { close(descriptor) }
        descriptor = -1
        if let temporary = temporaryPath { unlink(temporary) }
        temporaryPath = nil
    }

    deinit { discard() }

    /// Erases the temporary files that writers killed before `commit` or `discard` left in
    /// `directory` and the folders below it (to `depth`): names of the form `.NAME.HEX.tmp`,
    /// regular files, last changed more than `age` seconds ago (so a writer at work in another
    /// process keeps its file). They may hold a key: each is overwritten before it is unlinked.
    /// Returns how many went.
    @discardableResult
    public static func eraseAbandoned(in directory: String, olderThan age: Int = 300, depth: Int = 3) -> Int {
        guard depth > 0, let names = FilePath.entries(of: directory) else { return 0 }
        var erased = 0
        let now = time(nil)
        for name in names {
            let path = FilePath.join(directory, name)
            var status = stat()
            guard lstat(path, &status) == 0 else { continue }
            if (status.st_mode & S_IFMT) == S_IFDIR {
                erased += eraseAbandoned(in: path, olderThan: age, depth: depth - 1)
            } else if (status.st_mode & S_IFMT) == S_IFREG, isTemporaryName(name),
                now - status.st_mtim.tv_sec > age, (try? FilePath.eraseFile(path)) != nil
            {
                erased += 1
            }
        }
        return erased
    }

    /// `.NAME.` followed by the twelve hex digits `init` draws and `.tmp`.
    static func isTemporaryName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard bytes.count > 19, bytes.first == UInt8(ascii: "."), name.hasSuffix(".tmp") else { return false }
        let hex = bytes[(bytes.count - 16)..<(bytes.count - 4)]
        return bytes[bytes.count - 17] == UInt8(ascii: ".")
            && hex.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }
}

extension SecretBytes {
    /// Random bytes that are not secret (temporary-file suffixes, ids).
    static func randomPublicBytes(_ count: Int) -> [UInt8] {
        SecretBytes.random(count: count).withUnsafeBytes { Array($0) }
    }
}
