#if canImport(Glibc)
import Glibc
#endif

/// Console writes the CLI's messages: errors and notes to stderr, one line each.
enum Console {
    /// One line, whatever the message holds: a layer below may write several (libpq does).
    static func error(_ message: String) {
        let line = message.split(whereSeparator: \.isNewline).map { $0.trimmingWhitespace() }.filter { !$0.isEmpty }
            .joined(separator: " ")
        write("error: " + line.lowercasedFirst + "\n", to: 2)
    }

    static func warning(_ message: String) {
        write("warning: " + message + "\n", to: 2)
    }

    /// Informational output that must not mix with data on stdout (for example, the public key
    /// when the secret key goes to a file).
    static func note(_ message: String) {
        write(message + "\n", to: 2)
    }

    static func isTerminal(_ descriptor: Int32) -> Bool { isatty(descriptor) == 1 }

    static func write(_ text: String, to descriptor: Int32) {
        var text = text
        text.withUTF8 { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = Glibc.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                if written <= 0 {
                    if written < 0 && errno == EINTR { continue }
                    return
                }
                offset += written
            }
        }
    }
}

extension String {
    /// Error lines start lowercase, as age's do, whatever the layer below wrote.
    var lowercasedFirst: String {
        guard let first = first, first.isUppercase, dropFirst().first?.isUppercase != true else { return self }
        return first.lowercased() + dropFirst()
    }
}

/// Exits after flushing the stdio buffers (`print` goes through them).
func terminate(_ code: Int32) -> Never {
    fflush(nil)
    exit(code)
}
