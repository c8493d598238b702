import Dispatch

/// Where training time goes: wall time per layer type (forward) and per operation (backward),
/// collected only while `isEnabled` (`zoo bench --profile`).
public enum Profiler {
    nonisolated(unsafe) public static var isEnabled = false
    nonisolated(unsafe) private static var totals: [String: (seconds: Double, calls: Int)] = [:]

    /// Runs `body`, adding its wall time to `name` when profiling.
    @inline(__always)
    public static func measure<T>(_ name: @autoclosure () -> String, _ body: () -> T) -> T {
        guard isEnabled else { return body() }
        let start = DispatchTime.now().uptimeNanoseconds
        let result = body()
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let key = name()
        totals[key, default: (0, 0)].seconds += seconds
        totals[key, default: (0, 0)].calls += 1
        return result
    }

    /// The collected entries, most time first.
    public static var entries: [(name: String, seconds: Double, calls: Int)] {
        totals.map { ($0.key, $0.value.seconds, $0.value.calls) }.sorted { $0.seconds > $1.seconds }
    }

    public static func reset() { totals = [:] }
}

/// Multiply-add FLOPs done by GEMM and direct convolution so far (2 per multiply-add): the benchmark
/// reads it to turn time into achieved FLOP/s.
public enum FLOPCounter {
    nonisolated(unsafe) public static var count = 0
}
