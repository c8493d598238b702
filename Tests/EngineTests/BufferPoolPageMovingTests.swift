import Foundation
import Testing
@testable import Engine

/// A pool over its bound builds a large buffer from the pages of cached ones instead of giving them back and faulting
/// fresh ones in (`BufferPool.donors(for:)`): on pools of their own, checked by the contents that move with the pages
/// and by the page faults of the thread that touches them.
@Suite struct BufferPoolPageMovingTests {
    private static let mebibyte = 1 << 18  // floats

    /// Writes `value + i` into every 1,024th float of `count` (every page is touched: 1,024 floats are 4 KiB).
    private func fill(_ pointer: UnsafeMutablePointer<Float>, _ count: Int, with value: Float) {
        for i in stride(from: 0, to: count, by: 1024) { pointer[i] = value + Float(i / 1024) }
    }

    private func holds(_ pointer: UnsafeMutablePointer<Float>, _ count: Int, _ value: Float) -> Bool {
        stride(from: 0, to: count, by: 1024).allSatisfy { pointer[$0] == value + Float($0 / 1024) }
    }

    /// The page faults this thread has taken so far (Linux's RUSAGE_THREAD, 1, which Swift does not import).
    private func faults() -> Int {
        var usage = rusage()
        getrusage(.init(1), &usage)
        return usage.ru_minflt
    }

    /// Releases `buffers` and drains `pool`, which then holds nothing.
    private func giveBack(_ buffers: [(pointer: UnsafeMutablePointer<Float>, capacity: Int)], to pool: BufferPool) {
        for buffer in buffers { pool.release(buffer.pointer, capacity: buffer.capacity) }
        pool.drain()
        #expect(pool.cachedBytes == 0 && pool.liveBytes == 0)
    }

    @Test func aLargeBufferOverTheBoundTakesTheCachedPagesWithTheirContents() throws {
        let pool = BufferPool(), mib = Self.mebibyte
        // 128 MiB live at the peak: the pool keeps at most 192 MiB.
        let a = pool.allocate(64 * mib), b = pool.allocate(64 * mib)
        fill(a.pointer, a.capacity, with: 1)
        fill(b.pointer, b.capacity, with: 2)
        pool.release(a.pointer, capacity: a.capacity)
        pool.release(b.pointer, capacity: b.capacity)
        // 96 MiB more would make 224: one cached 64 MiB buffer gives its pages, the rest is new.
        let c = pool.allocate(96 * mib)
        #expect(c.capacity == 96 * mib && pool.misses == 3)
        let donor: Float = holds(c.pointer, 64 * mib, 1) ? 1 : 2
        #expect(holds(c.pointer, 64 * mib, donor), "the head holds one cached buffer's values")
        #expect(pool.cachedBytes == 64 * mib * 4 && pool.liveBytes == 96 * mib * 4)

        let before = faults()
        fill(c.pointer, 64 * mib, with: 3)
        let moved = faults() - before
        fill(c.pointer + 64 * mib, 32 * mib, with: 4)
        let fresh = faults() - before - moved
        #expect(moved < 8, "the moved pages are in already: \(moved) faults")
        #expect(fresh >= 16, "the new part faults in (at most 2 MiB a fault): \(fresh) faults")

        // c is now two mappings (the moved pages and the new ones): as a donor, both parts move. With 160 MiB live the
        // pool keeps 224: the other cached buffer stays.
        pool.release(c.pointer, capacity: c.capacity)
        let d = pool.allocate(160 * mib)
        #expect(d.capacity == 160 * mib && pool.cachedBytes == 64 * mib * 4)
        #expect(holds(d.pointer, 64 * mib, 3) && holds(d.pointer + 64 * mib, 32 * mib, 4), "c's pages, in order")
        #expect(d.pointer[96 * mib] == 0 && d.pointer[160 * mib - 1] == 0, "then new pages")
        let other = donor == 1 ? b.pointer : a.pointer, e = pool.allocate(64 * mib)
        #expect(e.pointer == other && holds(e.pointer, 64 * mib, donor == 1 ? 2 : 1))
        giveBack([d, e], to: pool)
    }

    @Test func aLargerDonorGivesItsHeadAndItsTailStaysCached() {
        let pool = BufferPool(), mib = Self.mebibyte
        // 200 MiB at the peak, 264 kept at most; 72 MiB more would make 272.
        let a = pool.allocate(96 * mib), b = pool.allocate(104 * mib)
        fill(a.pointer, a.capacity, with: 5)
        pool.release(a.pointer, capacity: a.capacity)
        pool.release(b.pointer, capacity: b.capacity)
        let c = pool.allocate(72 * mib)
        #expect(holds(c.pointer, 72 * mib, 5), "the smallest buffer that covers 72 MiB gives its head")
        #expect(pool.cachedBytes == (104 + 24) * mib * 4)
        let tail = pool.allocate(24 * mib)
        #expect(tail.pointer == a.pointer + 72 * mib && tail.capacity == 24 * mib)
        #expect(holds(tail.pointer, 24 * mib, 5 + 72 * 256), "the tail keeps its values")
        #expect(pool.misses == 3)
        giveBack([c, tail], to: pool)
    }

    @Test func donorsGiveWholeHugePagesOnly() {
        let pool = BufferPool(), mib = Self.mebibyte
        // Twenty buffers of 9 MiB at the peak, 244 MiB kept at most; 72 MiB more would make 252.
        let buffers = (0..<20).map { _ in pool.allocate(9 * mib) }
        for (i, buffer) in buffers.enumerated() { fill(buffer.pointer, buffer.capacity, with: Float(1000 * (i + 1))) }
        for buffer in buffers { pool.release(buffer.pointer, capacity: buffer.capacity) }
        let c = pool.allocate(72 * mib), donor = c.pointer[0]
        #expect(donor >= 1000 && donor.truncatingRemainder(dividingBy: 1000) == 0 && holds(c.pointer, 8 * mib, donor),
                "one cached buffer's first 8 MiB")
        #expect(c.pointer[8 * mib] == 0 && c.pointer[9 * mib - 1] == 0, "its ninth MiB, less than a huge page, not moved")
        #expect(pool.cachedBytes == 19 * 9 * mib * 4, "the rest of that donor is given back")
        giveBack([c], to: pool)
    }

    @Test func withinTheBoundANewBufferIsMapped() {
        let pool = BufferPool(), mib = Self.mebibyte
        let a = pool.allocate(64 * mib)
        fill(a.pointer, a.capacity, with: 7)
        pool.release(a.pointer, capacity: a.capacity)
        // The bound is the peak, 64 MiB, plus 64: 32 live and 64 cached are within it.
        let c = pool.allocate(32 * mib)
        #expect(c.pointer != a.pointer && !holds(c.pointer, 32 * mib, 7) && pool.cachedBytes == 64 * mib * 4)
        giveBack([c], to: pool)
    }
}
