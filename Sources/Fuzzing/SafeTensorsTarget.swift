import Engine
import Zoo

/// Weights files written by `SafeTensors.write` from small models' state_dicts, read with
/// `SafeTensors.read` and loaded into a fresh model of the same kind, as `zoo eval --weights` does.
final class SafeTensorsTarget: FuzzTarget {
    let name = "safetensors"
    let mutator: Mutator
    /// The model each seed belongs to.
    static let models = ["softmax", "lenet", "lenet-bn"]

    init(folder: String) throws {
        var seeds: [[UInt8]] = []
        for model in SafeTensorsTarget.models {
            let path = folder + "/safetensors-seed-\(model).safetensors"
            try SafeTensors.write(SafeTensorsTarget.build(model).stateDictionary(),
                                  metadata: ["format": "pt", "model": model, "dataset": "fashion-mnist"], to: path)
            seeds.append(try SeedFiles.read(path))
        }
        mutator = Mutator(seeds: seeds)
    }

    /// A fresh model, initialized from a fixed generator.
    static func build(_ model: String) -> Module {
        Random.withGenerator(seed: 0) { ModelRegistry.entry(named: model)!.build(channels: 1, classes: 10) }
    }

    func input(rng: inout RandomGenerator) -> FuzzInput {
        SafeTensorsLayout.input(mutator, seed: rng.below(mutator.seeds.count), rng: &rng)
    }

    func place(_ input: FuzzInput, stem: String, in folder: String) throws -> (path: String, remove: String) {
        try placeFile(input, stem: stem, fileExtension: "safetensors", in: folder)
    }

    func parse(path: String, input: FuzzInput) throws {
        let file = try SafeTensors.read(path)
        try SafeTensorsTarget.build(SafeTensorsTarget.models[input.seedIndex]).load(file, source: path)
    }
}
