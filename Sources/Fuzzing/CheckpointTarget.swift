import Engine
import Foundation
import Harness
import Zoo

/// Training checkpoints written by `zoo run --checkpoint`'s writer, resumed into the same model and
/// optimizer as `zoo run --resume` does.
final class CheckpointTarget: FuzzTarget {
    /// A seed checkpoint's run: the model and the recipe it is resumed with.
    struct Run {
        let model: String
        let recipe: Recipe
    }

    let name = "checkpoint"
    let mutator: Mutator
    /// LeNet with momentum SGD and softmax regression with Adam, so both optimizers' state is read.
    let runs: [Run] = {
        var sgd = ModelRegistry.entry(named: "lenet")!.recipe
        sgd.momentum = 0.9
        var adam = ModelRegistry.entry(named: "softmax")!.recipe
        adam.optimizer = .adam
        return [Run(model: "lenet", recipe: sgd), Run(model: "softmax", recipe: adam)]
    }()
    static let data = "fashion-mnist, 16 examples, shuffled"

    init(folder: String) throws {
        let history = try JSONDecoder().decode([EpochMetrics].self, from: Data(CheckpointTarget.history.utf8))
        // The second seed was written inside epoch 3, so the progress it carries is fuzzed too.
        let progress = [nil, try JSONDecoder().decode(EpochProgress.self, from: Data(CheckpointTarget.progress.utf8))]
        var seeds: [[UInt8]] = []
        for (run, progress) in zip(runs, progress) {
            let path = folder + "/checkpoint-seed-\(run.model).safetensors"
            try Random.withGenerator(seed: 0) {
                let model = ModelRegistry.entry(named: run.model)!.build(channels: 1, classes: 10)
                let optimizer = run.recipe.makeOptimizer(for: model.parameters)
                try optimizer.load(state: CheckpointTarget.state(of: optimizer, model: model))
                try TrainingCheckpoint.write(to: path, model: model, modelName: run.model, recipe: run.recipe,
                                             data: CheckpointTarget.data, optimizer: optimizer, seed: 0, history: history,
                                             progress: progress)
            }
            seeds.append(try SeedFiles.read(path))
        }
        mutator = Mutator(seeds: seeds)
    }

    /// Optimizer state as after some steps: a buffer (or two moments) per parameter, and Adam's step count.
    private static func state(of optimizer: Optimizer, model: Module) -> [String: Tensor] {
        var state: [String: Tensor] = ["step": Tensor(3)]
        for (index, p) in model.parameters.enumerated() {
            for prefix in ["momentum_buffer", "exp_avg", "exp_avg_sq"] {
                state["\(prefix).\(index)"] = Tensor(shape: p.shape, repeating: 0.01)
            }
        }
        return state
    }

    /// Two batches into epoch 3.
    static let progress = """
        {"epoch":3,"batches":2,"tally":{"examples":8,"correct":3,"lossSum":9.5},"trainSeconds":0.1,"wallSeconds":0.2}
        """

    /// Two finished epochs.
    static let history = """
        [{"epoch":1,"trainLoss":2.3,"trainAccuracy":0.1,"testAccuracy":0.1,"trainExamplesPerSecond":1000,
          "evalExamplesPerSecond":5000,"wallSeconds":1.5},
         {"epoch":2,"trainLoss":1.2,"trainAccuracy":0.5,"testAccuracy":0.55,"trainExamplesPerSecond":1100,
          "evalExamplesPerSecond":5100,"wallSeconds":1.4}]
        """

    func input(rng: inout RandomGenerator) -> FuzzInput {
        SafeTensorsLayout.input(mutator, seed: rng.below(mutator.seeds.count), rng: &rng)
    }

    func place(_ input: FuzzInput, stem: String, in folder: String) throws -> (path: String, remove: String) {
        try placeFile(input, stem: stem, fileExtension: "checkpoint.safetensors", in: folder)
    }

    func parse(path: String, input: FuzzInput) throws {
        let run = runs[input.seedIndex]
        try Random.withGenerator(seed: 0) {
            let model = ModelRegistry.entry(named: run.model)!.build(channels: 1, classes: 10)
            let optimizer = run.recipe.makeOptimizer(for: model.parameters)
            try TrainingCheckpoint.resume(from: path, model: model, modelName: run.model, recipe: run.recipe,
                                          data: CheckpointTarget.data, optimizer: optimizer, seed: 0)
        }
    }
}
