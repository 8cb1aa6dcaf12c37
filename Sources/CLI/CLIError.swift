import Admin
import ArgumentParser

/// CLIError is the CLI's one error type: a message for stderr and the exit code of DESIGN.md.
struct CLIError: Error {
    enum ExitCode: Int32 {
        case failed = 1
        case usage = 2
        case notFound = 3
        case conflict = 4
        case permissionDenied = 5
    }

    let exitCode: Int32
    let message: String

    init(_ code: ExitCode, _ message: String) {
        self.init(exitCode: code.rawValue, message: message)
    }

    private init(exitCode: Int32, message: String) {
        self.exitCode = exitCode
        self.message = message
    }

    /// Translates a library or argument-parser error, keeping its message. Library errors go
    /// through Admin's one error table, so the exit code of a failure is the same whichever
    /// layer it comes from, and matches the HTTP status the API gives it.
    init(_ error: Error) {
        if let error = error as? CLIError {
            self = error
        } else if let error = AdminError(translating: error) {
            self.init(exitCode: error.code.exitCode, message: error.message)
        } else {
            // Argument parsing and validation: the parser's message, on one line.
            var message = ActorKeysCommand.message(for: error)
                .split(whereSeparator: \.isNewline).map { $0.trimmingWhitespace() }
                .filter { !$0.isEmpty }.joined(separator: "; ")
            // validate() speaks in sentences; error lines, like age's, carry no final period.
            if message.hasSuffix(".") { message.removeLast() }
            let code = ActorKeysCommand.exitCode(for: error)
            self.init(
                code == .validationFailure || code.rawValue == 64 ? .usage : .failed,
                message.isEmpty ? "\(error)" : message)
        }
    }
}

extension StringProtocol {
    func trimmingWhitespace() -> String {
        String(drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }
}
