import ActorKeys
import Testing

@Suite("Timestamp")
struct TimestampTests {
    @Test(
        "RFC 3339 date-times with offsets, fractions and either letter case",
        arguments: [
            ("2026-12-01T18:00:00Z", 1_796_148_000_000 as Int64),
            ("2026-12-01t18:00:00z", 1_796_148_000_000),
            ("2026-12-01T19:30:00+01:30", 1_796_148_000_000),
            ("2026-12-01T13:00:00-05:00", 1_796_148_000_000),
            ("2026-12-01T18:00:00.5Z", 1_796_148_000_500),
            ("2026-12-01T18:00:00.123999Z", 1_796_148_000_123),
            ("2024-02-29T00:00:00Z", 1_709_164_800_000),
            ("1970-01-01T00:00:00Z", 0),
            ("1969-12-31T23:59:59.250Z", -750),
            ("2016-12-31T23:59:60Z", 1_483_228_800_000),
        ])
    func parses(text: String, milliseconds: Int64) {
        #expect(Timestamp(rfc3339: text)?.millisecondsSinceEpoch == milliseconds, "\(text)")
    }

    @Test(
        "anything else is refused",
        arguments: [
            "", "2026-12-01", "2026-12-01T18:00:00", "2026-12-01 18:00:00Z", "2026-02-29T00:00:00Z",
            "2026-04-31T00:00:00Z", "2026-13-01T00:00:00Z", "2026-12-01T24:00:00Z", "2026-12-01T18:60:00Z",
            "2026-12-01T18:00:61Z", "2026-12-01T18:00:00.Z", "2026-12-01T18:00:00+1:00", "2026-12-01T18:00:00+01:60",
            "+026-12-01T18:00:00Z", "2026-+2-01T18:00:00Z", "2026-12-01T18:00:00Zjunk", "٢٠٢٦-12-01T18:00:00Z",
        ])
    func refuses(text: String) {
        #expect(Timestamp(rfc3339: text) == nil, "\(text)")
    }

    @Test("formatting is UTC with Z and reads back, before 1970 too")
    func roundTrip() {
        for milliseconds: Int64 in [0, 1_796_148_000_123, -750, -86_400_001] {
            let time = Timestamp(millisecondsSinceEpoch: milliseconds)
            #expect(Timestamp(rfc3339: time.rfc3339Milliseconds) == time, "\(time.rfc3339Milliseconds)")
        }
        #expect(Timestamp(millisecondsSinceEpoch: -750).rfc3339Milliseconds == "1969-12-31T23:59:59.250Z")
    }
}
