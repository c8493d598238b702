import Engine

/// Small draws on the engine's xoshiro256** generator, written out so that a (seed, index) gives the
/// same input on every machine and Swift version.
extension RandomGenerator {
    /// Uniform in `range` (not empty).
    mutating func within(_ range: ClosedRange<Int>) -> Int { range.lowerBound + below(range.count) }

    /// True with probability 1/n.
    mutating func oneIn(_ n: Int) -> Bool { below(n) == 0 }

    /// One element of a non-empty array.
    mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }

    /// A random byte.
    mutating func byte() -> UInt8 { UInt8(truncatingIfNeeded: next() >> 56) }
}
