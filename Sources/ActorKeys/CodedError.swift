/// CodedError is the shape of every module's one error type: a code that says which failure
/// class it is, and a message for people, lowercase, that never holds key material. Each module
/// names its own (`public typealias EnvelopeError = CodedError<EnvelopeErrorCode>`), so errors
/// of different modules stay different types and a `catch` still tells them apart.
public struct CodedError<Kind: Sendable & Hashable>: Error, Sendable, Hashable, CustomStringConvertible {
    /// The module's codes: `LedgerError.Code` is `LedgerErrorCode`.
    public typealias Code = Kind

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
