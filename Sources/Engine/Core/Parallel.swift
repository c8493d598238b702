import Dispatch
import Foundation

/// How many threads the engine's own (non-BLAS) kernels split their work across: `$ZOO_THREADS`
/// if set, else the number of cores (at most 8).
public enum Parallelism {
    nonisolated(unsafe) public static var threads: Int = {
        if let value = ProcessInfo.processInfo.environment["ZOO_THREADS"].flatMap(Int.init), value > 0 { return value }
        return max(1, min(ProcessInfo.processInfo.activeProcessorCount, 8))
    }()
    /// Below this much work (elements touched), a kernel runs on the calling thread.
    static let minimumWorkPerThread = 1 << 15
}

/// Calls `body(range)` for contiguous, disjoint chunks of `0..<count` covering it, in parallel
/// when `count * costPerItem` is large enough to pay for the threads. Chunks depend only on
/// `count` and the thread count, so results are reproducible for a given thread count.
@inline(__always)
func parallelChunks(_ count: Int, costPerItem: Int = 1, _ body: (Range<Int>) -> Void) {
    let threads = min(Parallelism.threads, max(1, count * costPerItem / Parallelism.minimumWorkPerThread), count)
    if threads <= 1 {
        if count > 0 { body(0..<count) }
        return
    }
    withoutActuallyEscaping(body) { body in
        DispatchQueue.concurrentPerform(iterations: threads) { chunk in
            let start = count * chunk / threads, end = count * (chunk + 1) / threads
            body(start..<end)
        }
    }
}
