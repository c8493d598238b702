import Engine

/// Damaging a safetensors file's JSON header alone: most of a file is tensor data, where a mutation
/// rarely reaches the parser's logic, and a header whose length prefix is wrong fails at once.
enum SafeTensorsLayout {
    /// Half the inputs damage the header as text and rewrite the length prefix to fit it (7 in 8 of them);
    /// the others damage the whole file.
    static func input(_ mutator: Mutator, seed: Int, rng: inout RandomGenerator) -> FuzzInput {
        let file = mutator.seeds[seed]
        guard rng.oneIn(2), file.count >= 8 else {
            let (bytes, applied) = mutator.mutate(file, text: true, rng: &rng)
            return FuzzInput(bytes: bytes, seedIndex: seed, applied: applied)
        }
        let length = file.prefix(8).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        let header = Array(file[8..<(8 + length)]), payload = file[(8 + length)...]
        var (damaged, applied) = Mutator(seeds: [header]).mutate(header, text: true, rng: &rng)
        if rng.oneIn(4) {  // and the data too, now and then
            var data = Array(payload)
            let (bytes, more) = mutator.mutate(data, text: false, rng: &rng)
            (data, applied) = (bytes, applied + more)
            return FuzzInput(bytes: prefix(damaged.count, rng: &rng) + damaged + data, seedIndex: seed, applied: applied)
        }
        return FuzzInput(bytes: prefix(damaged.count, rng: &rng) + damaged + payload, seedIndex: seed, applied: applied)
    }

    /// The 8-byte little-endian length of a `count`-byte header, or (1 in 8) the length off by a little.
    private static func prefix(_ count: Int, rng: inout RandomGenerator) -> [UInt8] {
        let length = UInt64(count) &+ (rng.oneIn(8) ? UInt64(bitPattern: Int64(rng.within(-8...8))) : 0)
        return (0..<8).map { UInt8(truncatingIfNeeded: length >> (8 * UInt64($0))) }
    }
}
