import Benchmark

/// Ratio measures ours against a baseline in the same process, alternately: each sample is one
/// round that times `operations` calls of each, in an order that alternates from round to
/// round, and records 1000 × ours ÷ baseline. A machine that slows down or speeds up during
/// the run (a shared 2-core VM does) moves both sides of a round alike, so the median of the
/// rounds is stable where two separately run benchmarks are not.
public enum Ratio {
    public static let metric = BenchmarkMetric.custom("ratio x1000", polarity: .prefersSmaller, useScalingFactor: false)
    /// Each side's time in a round, in nanoseconds: for operations whose time varies a lot from
    /// call to call (a commit's fsync), the ratio of the two medians is steadier than the
    /// median of the rounds' ratios.
    public static let oursTime = BenchmarkMetric.custom("ours ns", polarity: .prefersSmaller, useScalingFactor: false)
    public static let baselineTime = BenchmarkMetric.custom(
        "baseline ns", polarity: .prefersSmaller, useScalingFactor: false)

    public static func configuration(rounds: Int = 200, seconds: Int = 4) -> Benchmark.Configuration {
        .init(
            metrics: [metric, oursTime, baselineTime, .throughput], warmupIterations: 2, scalingFactor: .one,
            maxDuration: .seconds(seconds), maxIterations: rounds)
    }

    /// Registers `name`, whose rounds time `ours` and `baseline`, `operations` calls each.
    public static func benchmark(
        _ name: String, operations: Int, rounds: Int = 200, seconds: Int = 4,
        setup: (@Sendable () async throws -> Void)? = nil, teardown: (@Sendable () async throws -> Void)? = nil,
        ours: @escaping @Sendable () async throws -> Void, baseline: @escaping @Sendable () async throws -> Void
    ) {
        let round = Box<Int>()
        Benchmark(
            name, configuration: configuration(rounds: rounds, seconds: seconds),
            closure: { benchmark in
                let index = round.value ?? 0
                round.value = index + 1
                let clock = ContinuousClock()
                func time(_ body: @Sendable () async throws -> Void) async throws -> Duration {
                    let start = clock.now
                    for _ in 0..<operations { try await body() }
                    return clock.now - start
                }
                let oursTime: Duration
                let baselineTime: Duration
                if index % 2 == 0 {
                    oursTime = try await time(ours)
                    baselineTime = try await time(baseline)
                } else {
                    baselineTime = try await time(baseline)
                    oursTime = try await time(ours)
                }
                benchmark.measurement(metric, Int((1000 * (oursTime / baselineTime)).rounded()))
                benchmark.measurement(Self.oursTime, Int(oursTime / .nanoseconds(1)))
                benchmark.measurement(Self.baselineTime, Int(baselineTime / .nanoseconds(1)))
            }, setup: setup, teardown: teardown)
    }
}
