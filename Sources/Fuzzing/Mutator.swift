import Engine

/// Damages seed inputs reproducibly: input `index` of a run with `seed` for one parser always gets the same
/// one to four stacked mutations, drawn from the engine's xoshiro256** generator.
public struct Mutator: Sendable {
    /// All the seed files of the parser (splices draw from them).
    public let seeds: [[UInt8]]

    public init(seeds: [[UInt8]]) { self.seeds = seeds }

    /// The generator of input `index` for `parser` in a run seeded by `seed`.
    public static func generator(seed: UInt64, parser: String, index: Int) -> RandomGenerator {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325  // FNV-1a of the parser's name
        for byte in parser.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01B3 }
        return RandomGenerator(seed: hash ^ (seed &* 0x9E37_79B9_7F4A_7C15) ^ (UInt64(index) &* 0xD1B5_4A32_D192_ED03))
    }

    /// `bytes` after one to four mutations; the names of those applied. With `text`, two in three are text
    /// mutations, which keep JSON valid more often than not, so that the decoded values reach the code.
    public func mutate(_ bytes: [UInt8], text: Bool, rng: inout RandomGenerator) -> (bytes: [UInt8], applied: [Mutation]) {
        var result = bytes, applied: [Mutation] = []
        for _ in 0..<rng.within(1...4) {
            let mutation = rng.pick(text && !rng.oneIn(3) ? Mutation.textOnly : Mutation.binary)
            mutation.apply(to: &result, others: seeds, rng: &rng)
            applied.append(mutation)
        }
        if result == bytes, !result.isEmpty {  // a mutation that changed nothing: flip one bit instead
            result[rng.below(result.count)] ^= 1 << UInt8(rng.below(8))
            applied.append(.flipBits)
        }
        return (result, applied)
    }

    /// A damaged copy of a seed drawn at random: the input of targets that need nothing more.
    func input(text: Bool, rng: inout RandomGenerator) -> FuzzInput {
        let seed = rng.below(seeds.count)
        let (bytes, applied) = mutate(seeds[seed], text: text, rng: &rng)
        return FuzzInput(bytes: bytes, seedIndex: seed, applied: applied)
    }
}
