import CSystem
import Foundation

/// A process-wide pool of 64-byte-aligned Float buffers, by size class.
///
/// Training repeats the same tensor sizes every step. Handing freed buffers back to the pool instead of
/// to the system keeps large blocks from being page-faulted in again on the next step, which the design
/// measured as a 3-10x slowdown on small models. Requests are rounded up to a size class
/// (`capacity(for:)`), so that a buffer one layer frees serves the next layer of a similar size. What the
/// pool caches is bounded by what tensors ever held at once (`bound`): beyond it, cached buffers are
/// given back to the system, largest first, so a pass through layers of ever-new sizes (inference,
/// DenseNet) does not keep every one of them.
final class BufferPool: @unchecked Sendable {
    static let shared = BufferPool()

    private var free: [Int: [UnsafeMutablePointer<Float>]] = [:]
    // Statistics, read without the lock: only for tests, on a pool of their own.
    private(set) var cachedBytes = 0
    /// Bytes in tensors now, and the most at once since the start or the last `drain()`.
    private(set) var liveBytes = 0, peakLiveBytes = 0
    /// Requests the cache could not serve.
    private(set) var misses = 0
    private let lock = NSLock()

    /// The floats a buffer for `count` floats holds: `count` rounded up to a multiple of 16 up to 4,096,
    /// above that to one of eight classes per doubling (at most 12.5% more).
    static func capacity(for count: Int) -> Int {
        if count <= 4096 { return max(16, (count + 15) & ~15) }
        let step = 1 << (Int.bitWidth - (count - 1).leadingZeroBitCount - 4)
        return (count + step - 1) / step * step
    }

    /// Live and cached bytes together stay within the most ever live plus a sixteenth (at least 64 MiB). An eighth
    /// kept AlexNet's training at 1,466 MiB, above PyTorch's 1,432; a sixteenth 1,387, at the same speed (training
    /// images/s alternating twice: AlexNet 24.5 / 26.5 -> 25.7 / 28.0, GoogLeNet 50.6 / 52.4 -> 51.1 / 61.0).
    private var bound: Int { peakLiveBytes + max(peakLiveBytes / 16, 64 << 20) }

    /// A buffer of at least `count` floats, and how many it holds (to give back to `release`): a cached
    /// one of its size class or of one of the two classes above (at most about a quarter larger), which
    /// measured DenseNet-121's working set at 1,052 MiB instead of 1,364 with exact classes; else a new one.
    func allocate(_ count: Int) -> (pointer: UnsafeMutablePointer<Float>, capacity: Int) {
        let capacity = Self.capacity(for: count)
        lock.lock()
        var fit = capacity
        for _ in 0..<3 {
            if let buffer = take(fit) {
                liveBytes += fit * 4
                peakLiveBytes = max(peakLiveBytes, liveBytes)
                lock.unlock()
                return (buffer, fit)
            }
            fit = Self.capacity(for: fit + 1)
        }
        liveBytes += capacity * 4
        peakLiveBytes = max(peakLiveBytes, liveBytes)
        misses += 1
        // Over the bound: a large buffer takes the pages of cached ones first (`donors(for:)`), moved, not faulted in
        // again; then the smallest class that covers the rest of the excess is evicted (or else the largest, and
        // again), so as little as possible is given back to be faulted in again.
        let donors = capacity >= Self.movedFloats ? donors(for: capacity) : []
        var evicted: [(UnsafeMutablePointer<Float>, Int)] = []
        while liveBytes + cachedBytes > bound, !free.isEmpty {
            let excess = (liveBytes + cachedBytes - bound + 3) / 4
            let size = free.keys.filter { $0 >= excess }.min() ?? free.keys.max()!
            evicted.append((take(size)!, size))
        }
        lock.unlock()
        for (buffer, size) in evicted { Self.unmap(buffer, capacity: size) }
        return (donors.isEmpty ? Self.map(capacity) : assemble(capacity, from: donors), capacity)
    }

    /// Cached buffers whose pages are to make up a new one of `capacity` floats while the pool is over its bound (the
    /// lock held): each the smallest class whose whole huge pages (`movedFloats`) cover what is still missing, or else
    /// the largest, until they cover it. VGG's training at batch 128 otherwise gave back and faulted in 700 MB a step:
    /// the gradient of its first linear layer (436 MB) and the activations evicted to make room for it, in turn.
    private func donors(for capacity: Int) -> [(UnsafeMutablePointer<Float>, Int)] {
        var donors: [(UnsafeMutablePointer<Float>, Int)] = [], gathered = 0
        while liveBytes + cachedBytes > bound, capacity - gathered >= Self.movedFloats {
            let sizes = free.keys.filter { $0 >= Self.movedFloats }, missing = Self.wholeHugePages(capacity - gathered)
            guard let size = sizes.filter({ Self.wholeHugePages($0) >= missing }).min() ?? sizes.max() else { break }
            donors.append((take(size)!, size))
            gathered += Self.wholeHugePages(size)
        }
        return donors
    }

    /// `floats` rounded down to whole huge pages (`movedFloats`).
    private static func wholeHugePages(_ floats: Int) -> Int { floats / movedFloats * movedFloats }

    /// A new buffer of `capacity` floats whose leading part is the pages of `donors`, moved in order, each giving its
    /// whole huge pages up to what is left; a donor's tail stays cached, or is given back below `movedFloats`; a donor
    /// the system will not move is given back, and its part faults in fresh like the rest. Moving whole huge pages
    /// only keeps every piece a buffer is made of (a mapping of its own, which the system counts) 2 MiB or more,
    /// but for a buffer's last: a run of any length has at most one mapping per 2 MiB it holds, and one per buffer.
    private func assemble(_ capacity: Int, from donors: [(UnsafeMutablePointer<Float>, Int)]) -> UnsafeMutablePointer<Float> {
        let buffer = Self.map(capacity)
        var filled = 0
        for (donor, size) in donors {
            let moved = Self.wholeHugePages(min(size, capacity - filled)), tail = size - moved
            if zoo_move_pages(donor, moved * 4, buffer + filled) != 0 {
                Self.unmap(donor, capacity: size)
            } else if tail >= Self.movedFloats {
                lock.lock()
                cache(donor + moved, capacity: tail)
                lock.unlock()
            } else if tail > 0 {
                munmap(donor + moved, tail * 4)
            }
            filled += moved
        }
        return buffer
    }

    /// A cached buffer of class `size`, if any (the lock held); classes without buffers leave the table.
    private func take(_ size: Int) -> UnsafeMutablePointer<Float>? {
        guard let buffer = free[size]?.popLast() else { return nil }
        if free[size]!.isEmpty { free[size] = nil }
        cachedBytes -= size * 4
        return buffer
    }

    /// Takes back a buffer `allocate` returned with `capacity`.
    func release(_ buffer: UnsafeMutablePointer<Float>, capacity: Int) {
        lock.lock()
        liveBytes -= capacity * 4
        cache(buffer, capacity: capacity)
        lock.unlock()
    }

    /// Keeps `buffer` of `capacity` floats for reuse (the lock held).
    private func cache(_ buffer: UnsafeMutablePointer<Float>, capacity: Int) {
        free[capacity, default: []].append(buffer)
        cachedBytes += capacity * 4
    }

    /// Gives every cached buffer back to the system (tensors in use keep theirs) and starts a new peak.
    func drain() {
        lock.lock()
        let cached = free.flatMap { size, buffers in buffers.map { ($0, size) } }
        free = [:]
        cachedBytes = 0
        peakLiveBytes = liveBytes
        lock.unlock()
        for (buffer, size) in cached { Self.unmap(buffer, capacity: size) }
    }

    /// Buffers of at least this many floats (256 KiB) are mapped from the kernel and unmapped when given
    /// back, so that they leave the process (glibc would keep them in its heap).
    private static let mappedFloats = 64 << 10

    /// Buffers of at least this many floats (2 MiB, a huge page) lend their pages to others (`donors(for:)`), in
    /// multiples of it.
    static let movedFloats = 512 << 10

    private static func map(_ capacity: Int) -> UnsafeMutablePointer<Float> {
        let bytes = capacity * MemoryLayout<Float>.stride
        var raw: UnsafeMutableRawPointer?
        if capacity >= mappedFloats {
            let mapped = mmap(nil, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
            raw = mapped == MAP_FAILED ? nil : mapped
            // Transparent huge pages where the system offers them on request: a fresh 2 MiB buffer then faults in
            // once, not 512 times (GoogLeNet's training took 1.9M page faults instead of 0.3M, and 5% longer).
            if let raw, bytes >= 2 << 20 { madvise(raw, bytes, MADV_HUGEPAGE) }
        } else if posix_memalign(&raw, 64, bytes) != 0 {
            raw = nil
        }
        guard let raw else { fatalError("out of memory allocating \(capacity) floats") }
        return raw.bindMemory(to: Float.self, capacity: capacity)
    }

    private static func unmap(_ buffer: UnsafeMutablePointer<Float>, capacity: Int) {
        if capacity >= mappedFloats {
            munmap(buffer, capacity * MemoryLayout<Float>.stride)
        } else {
            Foundation.free(buffer)
        }
    }
}

/// Hands the buffers the engine keeps for reuse back to the system (they are reallocated as needed): for
/// measuring what one model takes, or after a phase whose tensor sizes will not come again.
public func releaseCachedTensorMemory() {
    BufferPool.shared.drain()
    zoo_release_free_memory()
}

/// The memory behind one or more tensors (reshapes share it).
final class Storage: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<Float>
    let count: Int
    private let capacity: Int

    init(count: Int) {
        self.count = count
        (pointer, capacity) = BufferPool.shared.allocate(count)
    }

    deinit { BufferPool.shared.release(pointer, capacity: capacity) }
}

/// A buffer of at least `count` floats from the shared pool, returned to it when the last reference goes.
final class PooledBuffer {
    let pointer: UnsafeMutablePointer<Float>
    private let capacity: Int

    init(_ count: Int) { (pointer, capacity) = BufferPool.shared.allocate(count) }
    deinit { BufferPool.shared.release(pointer, capacity: capacity) }
}
