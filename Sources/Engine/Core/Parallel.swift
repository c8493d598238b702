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

/// How many chunks `parallelChunks` splits `count` items into.
@inline(__always)
func chunkCount(_ count: Int, costPerItem: Int = 1) -> Int {
    max(1, min(Parallelism.threads, count * costPerItem / Parallelism.minimumWorkPerThread, count))
}

/// Calls `body(chunk, range)` for `chunkCount(count, costPerItem)` contiguous, disjoint chunks of
/// `0..<count` covering it, in parallel when there is more than one. Chunks depend only on `count`
/// and the thread count, so results are reproducible for a given thread count.
@inline(__always)
func parallelChunks(_ count: Int, costPerItem: Int = 1, _ body: (_ chunk: Int, _ range: Range<Int>) -> Void) {
    let chunks = chunkCount(count, costPerItem: costPerItem)
    if chunks == 1 {
        if count > 0 { body(0, 0..<count) }
        return
    }
    withoutActuallyEscaping(body) { body in
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            body(chunk, (count * chunk / chunks)..<(count * (chunk + 1) / chunks))
        }
    }
}

/// `parallelChunks` for bodies that need only the range (also for the other modules' parallel loops:
/// decoding images, assembling batches).
@inline(__always)
public func parallelChunks(_ count: Int, costPerItem: Int = 1, _ body: (Range<Int>) -> Void) {
    parallelChunks(count, costPerItem: costPerItem) { (_: Int, range: Range<Int>) in body(range) }
}

/// `parallelChunks` over `count` columns in blocks of 16 (a 64-byte cache line of floats), so that threads writing
/// their columns of a row never share a line: `body` gets each thread's range of columns.
@inline(__always)
func parallelColumnBlocks(_ count: Int, costPerColumn: Int, _ body: (Range<Int>) -> Void) {
    parallelChunks((count + 15) / 16, costPerItem: 16 * costPerColumn) { blocks in
        body(blocks.lowerBound * 16..<min(count, blocks.upperBound * 16))
    }
}
