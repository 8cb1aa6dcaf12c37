/// Mutation is one change to a valid ciphertext, chosen by the fuzzer, after which opening it
/// must fail: an authenticated format detects every change, however small or well placed.
public enum Mutation: CustomStringConvertible {
    case none
    case flipBit(at: Int)
    case truncate(to: Int)
    case append(UInt8)
    case swap(Int, Int)

    /// Reads a mutation of a ciphertext of `count` bytes.
    public static func read(from input: inout FuzzInput, count: Int) -> Mutation {
        let kind = input.byte() % 5
        guard count > 0 else { return kind == 3 ? .append(input.byte()) : .none }
        switch kind {
        case 1: return .flipBit(at: input.number(below: count * 8))
        case 2: return .truncate(to: input.number(below: count))
        case 3: return .append(input.byte())
        case 4: return .swap(input.number(below: count), input.number(below: count))
        default: return .none
        }
    }

    /// The mutated bytes, and whether they differ from `bytes`.
    public func apply(to bytes: [UInt8]) -> (bytes: [UInt8], changed: Bool) {
        var result = bytes
        switch self {
        case .none: break
        case .flipBit(let bit): result[bit / 8] ^= 1 << UInt8(bit % 8)
        case .truncate(let count): result.removeLast(result.count - count)
        case .append(let byte): result.append(byte)
        case .swap(let a, let b): result.swapAt(a, b)
        }
        return (result, result != bytes)
    }

    public var description: String {
        switch self {
        case .none: "none"
        case .flipBit(let bit): "flip bit \(bit)"
        case .truncate(let count): "truncate to \(count) bytes"
        case .append(let byte): "append \(byte)"
        case .swap(let a, let b): "swap bytes \(a) and \(b)"
        }
    }
}
