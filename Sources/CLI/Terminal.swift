import ActorKeys

#if canImport(Glibc)
import Glibc
#endif

/// Terminal reads passphrases from the controlling terminal with echo off, as age does: from
/// /dev/tty, or from standard input when that is a terminal. Without a terminal there is no
/// passphrase prompt, and the command says so.
enum Terminal {
    static let maxPassphraseLength = 1024

    static func readPassphrase(prompt: String) throws(CLIError) -> SecretBytes {
        var descriptor = open("/dev/tty", O_RDWR | O_CLOEXEC)
        var opened = true
        if descriptor < 0 {
            guard isatty(0) == 1 else {
                throw CLIError(
                    .failed, "cannot read a passphrase: standard input is not a terminal and /dev/tty is not available")
            }
            descriptor = 0
            opened = false
        }
        defer { if opened { close(descriptor) } }
        Console.write(prompt + " ", to: descriptor)

        var saved = termios()
        let hasTermios = tcgetattr(descriptor, &saved) == 0
        if hasTermios {
            var silent = saved
            silent.c_lflag &= ~tcflag_t(ECHO)
            tcsetattr(descriptor, TCSANOW, &silent)
        }
        defer {
            if hasTermios { tcsetattr(descriptor, TCSANOW, &saved) }
            Console.write("\n", to: descriptor)
        }
        return try readLine(from: descriptor)
    }

    /// Reads up to a newline into zeroing storage, one byte at a time so nothing after the
    /// line is consumed.
    private static func readLine(from descriptor: Int32) throws(CLIError) -> SecretBytes {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: maxPassphraseLength, alignment: 1)
        defer {
            SecretBytes.zero(buffer)
            buffer.deallocate()
        }
        var length = 0
        while true {
            var byte: UInt8 = 0
            let count = read(descriptor, &byte, 1)
            if count < 0 && errno == EINTR { continue }
            if count <= 0 || byte == UInt8(ascii: "\n") { break }
            guard length < maxPassphraseLength else {
                throw CLIError(.failed, "passphrase longer than \(maxPassphraseLength) bytes")
            }
            buffer[length] = byte
            length += 1
        }
        if length > 0 && buffer[length - 1] == UInt8(ascii: "\r") { length -= 1 }
        return SecretBytes(copying: UnsafeRawBufferPointer(rebasing: buffer[0..<length]))
    }

    /// Writes a line to the terminal (not to stdout or stderr), for what only the user should see.
    static func show(_ message: String) {
        let descriptor = open("/dev/tty", O_WRONLY | O_CLOEXEC)
        if descriptor >= 0 {
            Console.write(message + "\n", to: descriptor)
            close(descriptor)
        } else {
            Console.note(message)
        }
    }
}
