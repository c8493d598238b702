import CSystem
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
        let (result, seconds, _) = timed(body)
        let key = name()
        totals[key, default: (0, 0)].seconds += seconds
        totals[key, default: (0, 0)].calls += 1
        return result
    }

    /// The collected entries, most time first.
    public static var entries: [(name: String, seconds: Double, calls: Int)] {
        totals.map { ($0.key, $0.value.seconds, $0.value.calls) }.sorted { $0.seconds > $1.seconds }
    }

    public static func reset() { totals = [:]; layerTotals = [:] }

    /// Time and counted FLOPs per layer shape (convolutions: channels, kernel, stride, padding, map size, the path
    /// taken), forward and backward, beside the per-operation totals above (which they overlap).
    public struct LayerTotals: Sendable {
        public var forwardSeconds = 0.0, backwardSeconds = 0.0
        public var forwardFLOPs = 0, backwardFLOPs = 0, calls = 0
    }
    nonisolated(unsafe) private static var layerTotals: [String: LayerTotals] = [:]

    /// The collected layer shapes, most time (forward and backward) first.
    public static var layerEntries: [(name: String, totals: LayerTotals)] {
        layerTotals.map { ($0.key, $0.value) }.sorted {
            $0.totals.forwardSeconds + $0.totals.backwardSeconds > $1.totals.forwardSeconds + $1.totals.backwardSeconds
        }
    }

    /// Runs `body`, a layer's forward pass, which names the path it took; when profiling, adds its time and FLOPs to
    /// the forward totals of the layer `name(path)`, and marks the node it recorded so that its backward pass adds to
    /// the same layer's backward totals.
    @inline(__always)
    static func measureLayer(_ name: (_ path: StaticString) -> String, _ body: (_ path: inout StaticString) -> Tensor) -> Tensor {
        var path: StaticString = ""
        guard isEnabled else { return body(&path) }
        let (result, seconds, flops) = timed { body(&path) }
        let key = name(path)
        layerTotals[key, default: LayerTotals()].forwardSeconds += seconds
        layerTotals[key, default: LayerTotals()].forwardFLOPs += flops
        layerTotals[key, default: LayerTotals()].calls += 1
        result.node?.layer = key
        return result
    }

    /// Runs `body`, the backward pass of a node that `measureLayer` marked with `layer`, adding to its totals.
    @inline(__always)
    static func measureBackward<T>(of layer: String?, _ body: () -> T) -> T {
        guard isEnabled, let layer else { return body() }
        let (result, seconds, flops) = timed(body)
        layerTotals[layer, default: LayerTotals()].backwardSeconds += seconds
        layerTotals[layer, default: LayerTotals()].backwardFLOPs += flops
        return result
    }

    private static func timed<T>(_ body: () -> T) -> (T, seconds: Double, flops: Int) {
        let (start, startFLOPs) = (DispatchTime.now().uptimeNanoseconds, FLOPCounter.count)
        let result = body()
        return (result, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9, FLOPCounter.count &- startFLOPs)
    }
}

/// Multiply-add FLOPs done by GEMM and convolutions so far (2 per multiply-add): the benchmark reads it to turn time
/// into achieved FLOP/s. A convolution counts its definition's FLOPs (2 x out channels x in channels x kernel area x
/// output pixels per pass), whichever path computes it in however many products.
public enum FLOPCounter {
    /// The count of the calling thread. Operations count on the thread that calls them, outside their parallel
    /// regions, so a step run on one thread counts all its FLOPs and steps on other threads (tests run in parallel)
    /// neither add to it nor overwrite it (`counting`).
    public static var count: Int {
        get { zoo_thread_flop_count().pointee }
        set { zoo_thread_flop_count().pointee = newValue }
    }

    /// `body`, counted as `flops` in place of what it counts itself: a path that computes a convolution in fewer
    /// products than its definition (Winograd's, the small-map one).
    static func counting<Result>(_ flops: Int, _ body: () -> Result) -> Result {
        let before = count
        let result = body()
        count = before &+ flops
        return result
    }
}
