import Foundation

/// A seedable xoshiro256** generator: fast, with good statistics, and the same stream on every machine.
public struct RandomGenerator: RandomNumberGenerator, Sendable {
    private var s0, s1, s2, s3: UInt64

    /// A generator whose stream is fixed by `seed` (expanded with SplitMix64, as the authors recommend).
    public init(seed: UInt64) {
        var x = seed
        func splitMix() -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s0 = splitMix(); s1 = splitMix(); s2 = splitMix(); s3 = splitMix()
    }

    /// The generator's four state words, to save and restore it exactly.
    public var state: [UInt64] { [s0, s1, s2, s3] }

    /// A generator continuing from saved `state` words.
    public init(state: [UInt64]) {
        precondition(state.count == 4, "a generator state has four words")
        (s0, s1, s2, s3) = (state[0], state[1], state[2], state[3])
    }

    public mutating func next() -> UInt64 {
        let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
        let t = s1 << 17
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t
        s3 = s3 << 45 | s3 >> 19
        return result
    }

    /// Uniform in [0, 1).
    public mutating func nextUniform() -> Float { Float(next() >> 40) * 0x1p-24 }

    /// Uniform in 0..<n (n > 0), by Lemire's multiply-shift (the bias is negligible at these sizes).
    public mutating func below(_ n: Int) -> Int {
        precondition(n > 0, "below(\(n))")
        return Int(next().multipliedFullWidth(by: UInt64(n)).high)
    }

    /// Uniform in `range`, in double precision.
    public mutating func uniform(in range: ClosedRange<Double>) -> Double {
        range.lowerBound + (range.upperBound - range.lowerBound) * Double(next() >> 11) * 0x1p-53
    }

    /// Standard normal (Box-Muller).
    public mutating func nextNormal() -> Float {
        let u1 = Double(next() >> 11) * 0x1p-53, u2 = Double(next() >> 11) * 0x1p-53
        return Float(Foundation.sqrt(-2 * Foundation.log(1 - u1)) * Foundation.cos(2 * Double.pi * u2))
    }
}

/// The generator that initializers and dropout use by default. `Random.seed(_:)` makes a run
/// reproducible; `Random.withGenerator(seed:)` gives a task its own generator, so runs that happen
/// at the same time (tests, a server) never draw from each other's stream.
public enum Random {
    /// A generator that a task can bind for itself. Draws go through a lock: the process-wide one
    /// is shared by every thread that has not bound its own, and a draw is a read and a write of
    /// the state, which two threads must not interleave.
    public final class Source: @unchecked Sendable {
        private var generator: RandomGenerator
        private let lock = NSLock()
        init(_ generator: RandomGenerator) { self.generator = generator }

        var current: RandomGenerator {
            get { lock.withLock { generator } }
            set { lock.withLock { generator = newValue } }
            _modify {
                lock.lock()
                defer { lock.unlock() }
                yield &generator
            }
        }
    }

    @TaskLocal static var source = Source(RandomGenerator(seed: 0))

    /// The current task's generator (the process-wide one outside `withGenerator`). Passed
    /// `inout`, it stays locked for the whole call, so one caller's draws come from one
    /// unbroken stretch of the stream; such a call must only draw (the lock is not recursive:
    /// a callee that used `Random` again would wait for itself).
    public static var global: RandomGenerator {
        get { source.current }
        set { source.current = newValue }
        _modify { yield &source.current }
    }

    /// Re-seeds the current generator.
    public static func seed(_ seed: UInt64) { global = RandomGenerator(seed: seed) }

    /// Runs `body` with a generator of its own, seeded with `seed`.
    public static func withGenerator<T>(seed: UInt64, _ body: () throws -> T) rethrows -> T {
        try $source.withValue(Source(RandomGenerator(seed: seed))) { try body() }
    }
}
