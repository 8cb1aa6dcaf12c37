import ActorKeys
import Envelope
import Ledger
import Registry

extension AdminError {
    /// The one translation of lower modules' errors into the use cases' error, keeping each
    /// cause distinct; anything that is not an actorkeys error is `.failed`.
    public init(_ error: any Error) {
        self = AdminError(translating: error) ?? AdminError(.failed, "\(error)")
    }

    /// The translation of an actorkeys error of any module; nil for any other error (an
    /// argument parser's, say), which the caller reports its own way.
    public init?(translating error: any Error) {
        switch error {
        case let error as AdminError: self = error
        case let error as LedgerError: self.init(Self.code(of: error.code), error.message)
        case let error as RegistryError:
            self.init(Self.code(of: LedgerError(error, sealing: false).code), error.message)
        case let error as ActorKeysError:
            let code: Code =
                switch error.code {
                case .invalidName, .invalidActor: .invalidArgument
                case .conflict: .conflict
                case .notFound: .notFound
                case .writeFailed, .readFailed, .malformedBech32, .malformedIdentity, .malformedRecipient: .failed
                }
            self.init(code, error.message)
        case let error as EnvelopeError: self.init(.failed, error.message)
        default: return nil
        }
    }

    private static func code(of code: LedgerError.Code) -> Code {
        switch code {
        case .notFound: .notFound
        case .shredded: .shredded
        case .conflict, .staleKeys: .conflict
        case .invalidArgument: .invalidArgument
        case .keyUnavailable: .keyUnavailable
        case .corrupt: .corrupt
        case .connection, .rootKeyUnavailable: .unavailable
        case .database: .failed
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
func adminSync<Result>(_ body: () throws -> Result) throws(AdminError) -> Result {
    do {
        return try body()
    } catch {
        throw AdminError(error)
    }
}
