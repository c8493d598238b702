import Datasets
import Engine
import Foundation

/// The four-file folder load (`FashionMNIST.load(split:directory:)`) with one of the four files damaged.
final class FashionMNISTTarget: FuzzTarget {
    let name = "fashion-mnist"
    let mutator: Mutator
    private let seedFolder: String

    /// Seeds 0-3 are the four `.gz` files (in `FashionMNIST.files` order), 4-7 the same uncompressed.
    init(folder: String) throws {
        seedFolder = folder + "/fashion-mnist-seeds"
        try FileManager.default.createDirectory(atPath: seedFolder, withIntermediateDirectories: true)
        let (images, labels) = SeedFiles.fashionMNIST(count: 16)
        let plain = [images, labels, images, labels]
        var compressed: [[UInt8]] = []
        for (file, bytes) in zip(FashionMNIST.files, plain) {
            let path = seedFolder + "/" + file.name + ".gz"
            try SeedFiles.write(bytes, gzip: true, to: path)
            compressed.append(try SeedFiles.read(path))
        }
        mutator = Mutator(seeds: compressed + plain)
    }

    func input(rng: inout RandomGenerator) -> FuzzInput {
        let seed = rng.below(8)
        let (bytes, applied) = mutator.mutate(mutator.seeds[seed], text: false, rng: &rng)
        return FuzzInput(bytes: bytes, gzip: seed >= 4 && rng.oneIn(2), seedIndex: seed, applied: applied)
    }

    /// A folder `<stem>` holding the damaged file under its dataset name and links to the other three seeds.
    func place(_ input: FuzzInput, stem: String, in folder: String) throws -> (path: String, remove: String) {
        let directory = folder + "/" + stem
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let damaged = FashionMNIST.files[input.seedIndex % 4]
        for file in FashionMNIST.files where file.name != damaged.name {
            try FileManager.default.createSymbolicLink(atPath: directory + "/" + file.name + ".gz",
                                                       withDestinationPath: seedFolder + "/" + file.name + ".gz")
        }
        let path = directory + "/" + damaged.name + ".gz"
        try SeedFiles.write(input.bytes, gzip: input.gzip, to: path)
        return (path, directory)
    }

    func parse(path: String, input: FuzzInput) throws {
        let split: FashionMNIST.Split = input.seedIndex % 4 < 2 ? .train : .test
        _ = try FashionMNIST.load(split: split, directory: (path as NSString).deletingLastPathComponent)
    }
}
