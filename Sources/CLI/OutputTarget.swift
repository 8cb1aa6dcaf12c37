import ActorKeys
import Envelope

#if canImport(Glibc)
import Glibc
#endif

/// OutputTarget is where a command writes its result: standard output, or a file that appears
/// only when the command succeeds.
///
/// A file is written to a temporary name next to it and renamed into place by `commit`, so a
/// failure (wrong key, truncated input, interrupt) never leaves a partial file: on an error the
/// temporary file is removed, and SIGINT, SIGTERM and SIGHUP remove it too.
final class OutputTarget: ByteSink {
    private let file: AtomicFileWriter?
    private var stream: FileDescriptorSink
    private let ownsStream: Bool

    /// `nil` or `-` is standard output. An existing destination that is not a regular file
    /// (`/dev/null`, a FIFO, a terminal) is written to directly: there is nothing to rename.
    init(path requested: String?, mode: mode_t = 0o666) throws(CLIError) {
        guard let requested, requested != "-" else {
            stream = FileDescriptorSink(descriptor: 1, name: "standard output")
            ownsStream = false
            file = nil
            return
        }
        // A symlink is followed, as age does: the file it points to is what gets written.
        let path = Self.resolvingSymlink(requested)
        var status = stat()
        if stat(path, &status) == 0, (status.st_mode & S_IFMT) != S_IFREG, (status.st_mode & S_IFMT) != S_IFDIR {
            let descriptor = open(path, O_WRONLY | O_CLOEXEC)
            guard descriptor >= 0 else {
                throw CLIError(.failed, "cannot open output \"\(path)\": \(describeErrno(errno))")
            }
            stream = FileDescriptorSink(descriptor: descriptor, name: path)
            ownsStream = true
            file = nil
            return
        }
        stream = FileDescriptorSink(descriptor: 1, name: "standard output")
        ownsStream = false
        do {
            file = try AtomicFileWriter(destination: path, mode: mode)
        } catch {
            throw CLIError(error)
        }
        if let temporary = file?.temporaryPath { InterruptCleanup.register(temporary) }
    }

    private static func resolvingSymlink(_ path: String) -> String {
        var status = stat()
        guard lstat(path, &status) == 0, (status.st_mode & S_IFMT) == S_IFLNK, let resolved = realpath(path, nil) else {
            return path
        }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// Whether the output is a stream (standard output or a device) rather than a new file.
    var isStandardOutput: Bool { file == nil && !ownsStream }

    func write(_ bytes: UnsafeRawBufferPointer) throws(EnvelopeError) {
        guard let file else { return try stream.write(bytes) }
        do {
            try file.write(bytes)
        } catch {
            throw EnvelopeError(.io, error.message)
        }
    }

    /// Puts the file in place (replacing or refusing an existing one); a no-op for stdout.
    func commit(_ existing: ExistingFile = .replace) throws(CLIError) {
        guard let file else { return }
        InterruptCleanup.clear()
        do {
            try file.commit(existing)
        } catch {
            throw CLIError(error)
        }
    }

    deinit {
        InterruptCleanup.clear()
        file?.discard()
        if ownsStream { close(stream.descriptor) }
    }
}

/// InterruptCleanup removes the one temporary output file if the process is interrupted.
enum InterruptCleanup {
    // A C string, so the signal handler only calls async-signal-safe unlink(2) and _exit(2).
    nonisolated(unsafe) private static var path: UnsafeMutablePointer<CChar>?

    static func register(_ temporaryPath: String) {
        clear()
        path = strdup(temporaryPath)
        for signal in [SIGINT, SIGTERM, SIGHUP] {
            Glibc.signal(signal) { number in
                if let path = InterruptCleanup.path { unlink(path) }
                _exit(128 + number)
            }
        }
    }

    static func clear() {
        guard let current = path else { return }
        path = nil
        free(current)
    }
}
