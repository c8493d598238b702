import Engine
import Zoo

/// Training checkpoints for tools outside Harness (the fuzzer, `zoo-fuzz`): the same `write` and
/// `resume` as `zoo run --checkpoint` and `--resume` use.
public enum TrainingCheckpointFile {
    /// Writes a checkpoint as `zoo run --checkpoint` does after every epoch.
    public static func write(to path: String, model: Module, modelName: String, recipe: Recipe, data: String,
                             optimizer: Optimizer, seed: UInt64, history: [EpochMetrics]) throws {
        try TrainingCheckpoint.write(to: path, model: model, modelName: modelName, recipe: recipe, data: data,
                                     optimizer: optimizer, seed: seed, history: history)
    }

    /// Loads a checkpoint as `zoo run --resume` does; returns the finished epochs.
    @discardableResult
    public static func resume(from path: String, model: Module, modelName: String, recipe: Recipe, data: String,
                              optimizer: Optimizer, seed: UInt64) throws -> [EpochMetrics] {
        try TrainingCheckpoint.resume(from: path, model: model, modelName: modelName, recipe: recipe, data: data,
                                      optimizer: optimizer, seed: seed)
    }
}
