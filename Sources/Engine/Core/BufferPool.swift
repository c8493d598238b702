import CSystem
import Foundation

/// A process-wide pool of 64-byte-aligned Float buffers, keyed by element count.
///
/// Training repeats the same tensor sizes every step. Handing freed buffers back to the pool
/// instead of to glibc keeps large blocks from being returned to the kernel and page-faulted in
/// again on the next step, which the design measured as a 3-10x slowdown on small models.
final class BufferPool: @unchecked Sendable {
    static let shared = BufferPool()

    /// Buffers above this total are freed instead of cached, so one odd-sized phase can't pin memory forever.
    private let maximumCachedBytes = 6 << 30
    private var free: [Int: [UnsafeMutablePointer<Float>]] = [:]
    private var cachedBytes = 0
    private let lock = NSLock()

    func allocate(_ count: Int) -> UnsafeMutablePointer<Float> {
        lock.lock()
        if let buffer = free[count]?.popLast() {
            cachedBytes -= count * 4
            lock.unlock()
            return buffer
        }
        lock.unlock()
        var raw: UnsafeMutableRawPointer?
        let status = posix_memalign(&raw, 64, max(count, 1) * MemoryLayout<Float>.stride)
        guard status == 0, let raw else { fatalError("out of memory allocating \(count) floats") }
        return raw.bindMemory(to: Float.self, capacity: max(count, 1))
    }

    /// Frees every cached buffer (tensors in use keep theirs).
    func drain() {
        lock.lock()
        let cached = free.values.joined()
        free = [:]
        cachedBytes = 0
        lock.unlock()
        for buffer in cached { Foundation.free(buffer) }
    }

    func release(_ buffer: UnsafeMutablePointer<Float>, count: Int) {
        lock.lock()
        if cachedBytes + count * 4 <= maximumCachedBytes {
            free[count, default: []].append(buffer)
            cachedBytes += count * 4
            lock.unlock()
        } else {
            lock.unlock()
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

    init(count: Int) {
        self.count = count
        pointer = BufferPool.shared.allocate(count)
    }

    deinit { BufferPool.shared.release(pointer, count: count) }
}
