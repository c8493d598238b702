import Foundation
import Testing
@testable import Engine

/// The generator that threads share when none binds its own: concurrent draws must come out as
/// the stream's values, each once, not as repeats of a state two threads read at the same time.
@Suite struct RandomSourceTests {
    @Test func concurrentDrawsShareOneStreamWithoutRepeats() {
        let source = Random.Source(RandomGenerator(seed: 42))
        let threads = 4, perThread = 1_000_000
        let drawn = UnsafeMutableBufferPointer<UInt64>.allocate(capacity: threads * perThread)
        defer { drawn.deallocate() }
        DispatchQueue.concurrentPerform(iterations: threads) { thread in
            for index in 0..<perThread { drawn[thread * perThread + index] = source.current.next() }
        }
        var sequential = RandomGenerator(seed: 42)
        let stream = Set((0..<threads * perThread).map { _ in sequential.next() })
        let distinct = Set(drawn)
        #expect(distinct.count == threads * perThread, "values drawn twice")
        #expect(distinct.subtracting(stream).count == 0, "values not in the stream")
    }

    @Test func inoutDrawsTakeOneUnbrokenStretch() {
        // A caller that passes the generator inout (dropout, initializers) draws a run of values
        // that no other thread interleaves with.
        let source = Random.Source(RandomGenerator(seed: 7))
        let threads = 4, perCall = 1_000_000
        let runs = UnsafeMutableBufferPointer<[UInt64]>.allocate(capacity: threads)
        runs.initialize(repeating: [])
        defer { runs.deinitialize().deallocate() }
        DispatchQueue.concurrentPerform(iterations: threads) { thread in
            func draw(using generator: inout RandomGenerator) -> [UInt64] { (0..<perCall).map { _ in generator.next() } }
            runs[thread] = draw(using: &source.current)
        }
        var sequential = RandomGenerator(seed: 7)
        let stream = (0..<threads * perCall).map { _ in sequential.next() }
        let stretches = Set((0..<threads).map { Array(stream[$0 * perCall..<($0 + 1) * perCall]) })
        let matching = runs.filter { stretches.contains($0) }.count
        #expect(matching == threads, "calls whose draws are not one stretch of the stream")
    }
}
