import Dispatch
import Foundation
import Testing
@testable import Engine

/// `FLOPCounter` counts per thread: what one thread counts, and a `counting` pass another thread finishes in the
/// middle of a measurement, leave the measurement exact.
@Suite struct FLOPCounterTests {
    @Test func anotherThreadsCountingLeavesThisThreadsCountExact() {
        let (entered, measured, finished) = (DispatchSemaphore(value: 0), DispatchSemaphore(value: 0), DispatchSemaphore(value: 0))
        let other = Thread {
            FLOPCounter.counting(1_000) {
                entered.signal()
                measured.wait()  // the count is taken before, and set after, this thread's measurement
                gemmOfOnes(m: 3, n: 3, k: 3)
            }
            finished.signal()
        }
        other.start()
        entered.wait()
        let before = FLOPCounter.count
        gemmOfOnes(m: 4, n: 5, k: 6)
        measured.signal()
        finished.wait()
        #expect(FLOPCounter.count - before == 2 * 4 * 5 * 6)
    }

    @Test func aThreadStartsAtZero() {
        gemmOfOnes(m: 2, n: 2, k: 2)
        let counted = Counted(), done = DispatchSemaphore(value: 0)
        Thread { counted.value = FLOPCounter.count; done.signal() }.start()
        done.wait()
        #expect(counted.value == 0 && FLOPCounter.count >= 16)
    }

    /// What the other thread read (handed over through the semaphore).
    private final class Counted: @unchecked Sendable { var value = -1 }

    private func gemmOfOnes(m: Int, n: Int, k: Int) {
        let (a, b, c) = (Tensor(shape: [m, k], repeating: 1), Tensor(shape: [k, n], repeating: 1), Tensor.zeros([m, n]))
        gemm(m: m, n: n, k: k, a.data, b.data, c.data)
        #expect(c.scalars.allSatisfy { $0 == Float(k) })
    }
}
