import ActorKeys

/// What `body` returns, or nil when it fails with `code`, the one failure class the format
/// allows for bad input; failing with any other class is a property violation.
public func outcome<Value, Code>(
    failingOnlyAs code: Code, _ what: @autoclosure () -> String, _ body: () throws(CodedError<Code>) -> Value
) -> Value? {
    do {
        return try body()
    } catch {
        require(error.code == code, "\(what()) failed with another error class: \(error)")
        return nil
    }
}
