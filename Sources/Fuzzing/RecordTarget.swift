import Engine
import Foundation
import Harness

/// JSON run records, read as `zoo compare` reads them: `RunComparison.table(folder:)` decodes every record
/// of a folder (here a folder holding the damaged one) and renders its row, numbers included.
final class RecordTarget: FuzzTarget {
    let name = "record"
    let mutator = Mutator(seeds: RecordSeeds.files.map { Array($0.json.utf8) })

    func input(rng: inout RandomGenerator) -> FuzzInput {
        mutator.input(text: true, rng: &rng)
    }

    /// The record `<stem>/<stem>.json`, alone in its folder.
    func place(_ input: FuzzInput, stem: String, in folder: String) throws -> (path: String, remove: String) {
        let directory = folder + "/" + stem
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = directory + "/" + stem + ".json"
        try SeedFiles.write(input.bytes, to: path)
        return (path, directory)
    }

    func parse(path: String, input: FuzzInput) throws {
        _ = try RunComparison.table(folder: (path as NSString).deletingLastPathComponent)
    }
}
