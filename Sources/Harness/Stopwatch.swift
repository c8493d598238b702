import Dispatch

/// Monotonic elapsed time in seconds.
struct Stopwatch {
    private var start = DispatchTime.now().uptimeNanoseconds
    var seconds: Double { Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 }
    mutating func restart() { start = DispatchTime.now().uptimeNanoseconds }
}
