#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Timestamp is a UTC wall-clock time in milliseconds, rendered as RFC 3339.
public struct Timestamp: Sendable, Hashable, Comparable, Codable {
    public let millisecondsSinceEpoch: Int64

    public init(millisecondsSinceEpoch: Int64) { self.millisecondsSinceEpoch = millisecondsSinceEpoch }

    public static func now() -> Timestamp {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Timestamp(millisecondsSinceEpoch: Int64(now.tv_sec) * 1000 + Int64(now.tv_nsec) / 1_000_000)
    }

    /// Whole seconds, rounded down (also before 1970).
    public var secondsSinceEpoch: Int64 { millisecondsSinceEpoch.floorDivided(by: 1000) }

    /// `2006-01-02T15:04:05Z`, as age-keygen writes it.
    public var rfc3339: String { format(milliseconds: false) }

    /// `2006-01-02T15:04:05.123Z`.
    public var rfc3339Milliseconds: String { format(milliseconds: true) }

    /// Parses an RFC 3339 date-time (§5.6): `2006-01-02T15:04:05Z`, with any fraction of a
    /// second (kept to the millisecond, rounded down), `T`/`Z` in either case, and a numeric
    /// offset (`+01:00`, `-05:30`) instead of `Z`. Nil for anything else, an impossible date
    /// (February 30th) included. A leap second (`:60`) is read as the second after `:59`.
    public init?(rfc3339 text: String) {
        var reader = DigitReader(Array(text.utf8))
        guard let year = reader.number(4), reader.take("-"), let month = reader.number(2), reader.take("-"),
            let day = reader.number(2), reader.take("T") || reader.take("t"), let hour = reader.number(2),
            reader.take(":"), let minute = reader.number(2), reader.take(":"), let second = reader.number(2),
            (1...12).contains(month), (1...Self.days(inMonth: month, of: year)).contains(day), hour <= 23,
            minute <= 59, second <= 60
        else { return nil }
        var milliseconds = 0
        if reader.take(".") {
            let digits = reader.digits()
            guard !digits.isEmpty else { return nil }
            for digit in (digits + [0, 0, 0]).prefix(3) { milliseconds = milliseconds * 10 + digit }
        }
        var offsetMinutes = 0
        if !(reader.take("Z") || reader.take("z")) {
            let sign: Int
            if reader.take("+") { sign = 1 } else if reader.take("-") { sign = -1 } else { return nil }
            guard let hours = reader.number(2), reader.take(":"), let minutes = reader.number(2), hours <= 23,
                minutes <= 59
            else { return nil }
            offsetMinutes = sign * (hours * 60 + minutes)
        }
        guard reader.atEnd else { return nil }
        let days = Self.daysSinceEpoch(year: year, month: month, day: day)
        let seconds = ((Int64(days) * 24 + Int64(hour)) * 60 + Int64(minute - offsetMinutes)) * 60 + Int64(second)
        millisecondsSinceEpoch = seconds * 1000 + Int64(milliseconds)
    }

    private static func days(inMonth month: Int, of year: Int) -> Int {
        switch month {
        case 2: year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days from 1970-01-01 in the proleptic Gregorian calendar (Howard Hinnant's days_from_civil).
    private static func daysSinceEpoch(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146097 + dayOfEra - 719468
    }

    private func format(milliseconds: Bool) -> String {
        var seconds = time_t(secondsSinceEpoch)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func pad(_ value: Int, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        let fraction = milliseconds ? "." + pad(Int(millisecondsSinceEpoch - secondsSinceEpoch * 1000), 3) : ""
        return "\(pad(Int(parts.tm_year) + 1900, 4))-\(pad(Int(parts.tm_mon) + 1, 2))-\(pad(Int(parts.tm_mday), 2))T"
            + "\(pad(Int(parts.tm_hour), 2)):\(pad(Int(parts.tm_min), 2)):\(pad(Int(parts.tm_sec), 2))\(fraction)Z"
    }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool {
        lhs.millisecondsSinceEpoch < rhs.millisecondsSinceEpoch
    }
}

/// DigitReader reads the fixed-width fields of an RFC 3339 text, ASCII digits only (no sign,
/// no spaces, unlike Int's parser).
private struct DigitReader {
    let bytes: [UInt8]
    var offset = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var atEnd: Bool { offset == bytes.count }

    mutating func take(_ character: Unicode.Scalar) -> Bool {
        guard offset < bytes.count, bytes[offset] == UInt8(ascii: character) else { return false }
        offset += 1
        return true
    }

    /// Exactly `width` digits as a number.
    mutating func number(_ width: Int) -> Int? {
        guard offset + width <= bytes.count else { return nil }
        var value = 0
        for byte in bytes[offset..<(offset + width)] {
            guard (0x30...0x39).contains(byte) else { return nil }
            value = value * 10 + Int(byte - 0x30)
        }
        offset += width
        return value
    }

    /// Every digit from here on, each as a number.
    mutating func digits() -> [Int] {
        var digits: [Int] = []
        while offset < bytes.count, (0x30...0x39).contains(bytes[offset]) {
            digits.append(Int(bytes[offset] - 0x30))
            offset += 1
        }
        return digits
    }
}

extension Int64 {
    fileprivate func floorDivided(by divisor: Int64) -> Int64 {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }
}
