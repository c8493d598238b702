import Datasets
import Engine

/// Gzip-compressed (and plain) IDX files: an [N, 28, 28] image file and an [N] label file.
final class IDXTarget: FuzzTarget {
    let name = "idx"
    let mutator: Mutator
    /// Seeds 0 and 1 are the gzip files' bytes, 2 and 3 the same IDX files uncompressed.
    private let ranks = [3, 1, 3, 1]

    init(folder: String) throws {
        let (images, labels) = SeedFiles.fashionMNIST(count: 16)
        try SeedFiles.write(images, gzip: true, to: folder + "/idx-seed-images.gz")
        try SeedFiles.write(labels, gzip: true, to: folder + "/idx-seed-labels.gz")
        mutator = Mutator(seeds: [try SeedFiles.read(folder + "/idx-seed-images.gz"),
                                  try SeedFiles.read(folder + "/idx-seed-labels.gz"), images, labels])
    }

    /// The one call of the IDX reader, bounded as the Fashion-MNIST loader bounds it (16 MiB here).
    static func read(_ path: String, rank: Int?) throws -> IDXArray {
        try IDXArray.read(contentsOf: path, rank: rank, maximumBytes: 1 << 24)
    }

    /// Compressed seeds are damaged as gzip bytes; plain ones as IDX bytes, then half of them compressed,
    /// so that damaged headers get past zlib's CRC. The rank asked for is the seed's, or none (1 in 4).
    func input(rng: inout RandomGenerator) -> FuzzInput {
        let seed = rng.below(4)
        let (bytes, applied) = mutator.mutate(mutator.seeds[seed], text: false, rng: &rng)
        return FuzzInput(bytes: bytes, gzip: seed >= 2 && rng.oneIn(2), seedIndex: seed,
                         variant: rng.oneIn(4) ? 0 : ranks[seed], applied: applied)
    }

    func place(_ input: FuzzInput, stem: String, in folder: String) throws -> (path: String, remove: String) {
        try placeFile(input, stem: stem, fileExtension: input.seedIndex % 2 == 0 ? "images.gz" : "labels.gz", in: folder)
    }

    func parse(path: String, input: FuzzInput) throws {
        _ = try IDXTarget.read(path, rank: input.variant == 0 ? nil : input.variant)
    }
}
