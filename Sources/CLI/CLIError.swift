import ActorKeys
import Admin
import ArgumentParser
import Envelope
import Ledger

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
        self.exitCode = code.rawValue
        self.message = message
    }

    /// Translates a library or argument-parser error, keeping its message.
    init(_ error: Error) {
        switch error {
        case let error as CLIError:
            self = error
        case let error as ActorKeysError:
            let code: ExitCode = switch error.code {
            case .invalidName, .invalidActor: .usage
            case .conflict: .conflict
            case .notFound: .notFound
            case .writeFailed, .readFailed, .malformedBech32, .malformedIdentity, .malformedRecipient: .failed
            }
            self.init(code, error.message)
        case let error as EnvelopeError:
            self.init(.failed, error.message)
        case let error as AdminError:
            let code: ExitCode = switch error.code {
            case .invalidArgument: .usage
            case .notFound: .notFound
            case .conflict: .conflict
            case .permissionDenied: .permissionDenied
            case .shredded, .failed: .failed
            }
            self.init(code, error.message)
        case let error as LedgerError:
            let code: ExitCode = switch error.code {
            case .invalidArgument, .connection: .usage
            case .notFound: .notFound
            case .conflict: .conflict
            case .shredded, .database, .corrupt: .failed
            }
            self.init(code, error.message)
        default:
            // Argument parsing and validation: the parser's message, on one line.
            var message = ActorKeysCommand.message(for: error)
                .split(whereSeparator: \.isNewline).map { $0.trimmingWhitespace() }
                .filter { !$0.isEmpty }.joined(separator: "; ")
            // validate() speaks in sentences; error lines, like age's, carry no final period.
            if message.hasSuffix(".") { message.removeLast() }
            let code = ActorKeysCommand.exitCode(for: error)
            self.init(code == .validationFailure || code.rawValue == 64 ? .usage : .failed, message.isEmpty ? "\(error)" : message)
        }
    }
}

extension StringProtocol {
    func trimmingWhitespace() -> String {
        String(drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }
}
