import ActorKeys
import Envelope
import Ledger
import Registry

extension AdminError {
    /// The one translation of lower modules' errors into the use cases' error.
    init(_ error: any Error) {
        switch error {
        case let error as AdminError: self = error
        case let error as LedgerError:
            let code: Code = switch error.code {
            case .notFound: .notFound
            case .shredded: .shredded
            case .conflict: .conflict
            case .invalidArgument: .invalidArgument
            case .database, .connection, .corrupt: .failed
            }
            self.init(code, error.message)
        case let error as ActorKeysError:
            let code: Code = switch error.code {
            case .invalidName, .invalidActor: .invalidArgument
            case .conflict: .conflict
            case .notFound: .notFound
            default: .failed
            }
            self.init(code, error.message)
        case let error as RegistryError: self.init(.failed, error.message)
        case let error as EnvelopeError: self.init(.failed, error.message)
        default: self.init(.failed, "\(error)")
        }
    }
}

/// Runs `body`, translating whatever it throws into AdminError.
func admin<Result>(_ body: () async throws -> Result) async throws(AdminError) -> Result {
    do {
        return try await body()
    } catch {
        throw AdminError(error)
    }
}

/// The synchronous form, for key-store calls.
func admin<Result>(_ body: () throws -> Result) throws(AdminError) -> Result {
    do {
        return try body()
    } catch {
        throw AdminError(error)
    }
}
