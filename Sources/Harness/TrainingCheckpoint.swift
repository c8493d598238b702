import Engine
import Foundation
import Zoo

/// Everything needed to continue an interrupted run, in one safetensors file written atomically after
/// every epoch (and inside epochs, every N steps or when stopped): the model's state_dict (keys prefixed
/// "model."), the optimizer's state ("optimizer."), and as metadata the model name, the recipe, the
/// training data, the seed, the global random generator, the finished epochs' metrics and, inside an
/// epoch, where it stands.
public enum TrainingCheckpoint {
    /// `data` names the training examples and their order ("fashion-mnist, 60000 examples, shuffled").
    public static func write(to path: String, model: Module, modelName: String, recipe: Recipe, data: String,
                      optimizer: Optimizer, seed: UInt64, history: [EpochMetrics], progress: EpochProgress? = nil) throws {
        let tensors = model.stateDictionary().map { ("model." + $0.0, $0.1) } + optimizer.state.map { ("optimizer." + $0.0, $0.1) }
        var metadata = [
            "format": "zoo-training-checkpoint", "model": modelName, "recipe": try canonicalJSON(recipe), "data": data,
            "seed": String(seed),
            "random": Random.global.state.map(String.init).joined(separator: ","),
            "history": String(decoding: try JSONEncoder().encode(history), as: UTF8.self),
        ]
        if let progress { metadata["progress"] = String(decoding: try JSONEncoder().encode(progress), as: UTF8.self) }
        try SafeTensors.write(tensors, metadata: metadata, to: path)
    }

    /// Loads the checkpoint at `path` into `model` and `optimizer` and returns the finished epochs and,
    /// for a checkpoint written inside an epoch, where that epoch stands.
    /// The run must be the checkpoint's: same model, recipe (every training flag; --epochs may grow
    /// unless the schedule spans the run), training data and seed. `contents`: the file's bytes, when already read
    /// (by process 0 of a data-parallel run, for all).
    @discardableResult
    public static func resume(from path: String, contents: Data? = nil, model: Module, modelName: String, recipe: Recipe, data: String,
                       optimizer: Optimizer, seed: UInt64) throws -> (history: [EpochMetrics], progress: EpochProgress?) {
        let (tensors, metadata, dtypes) = try SafeTensors.decode(contents ?? SafeTensors.contents(of: path), path: path)
        guard metadata["format"] == "zoo-training-checkpoint", let history = metadata["history"] else {
            throw RunError.badCheckpoint(path: path, reason: "it holds weights only, not a training checkpoint "
                                            + "(written by `zoo run --checkpoint`); use --weights to start from weights")
        }
        guard metadata["model"] == modelName else {
            throw RunError.badCheckpoint(path: path, reason: "it belongs to \(metadata["model"] ?? "another model"), not \(modelName)")
        }
        guard metadata["seed"] == String(seed) else {
            throw RunError.badCheckpoint(path: path, reason: "it was made with --seed \(metadata["seed"] ?? "?"); pass the same seed")
        }
        // Checkpoints from before the recipe and data were stored carry neither; their epochs are still checked.
        let current = try canonicalJSON(recipe)
        if let stored = metadata["recipe"], stored != current {
            throw RunError.badCheckpoint(path: path, reason: "it was made with the recipe \(stored), and this run's is "
                                            + "\(current); pass the flags it was made with")
        }
        if let stored = metadata["data"], stored != data {
            throw RunError.badCheckpoint(path: path, reason: "it trained on \(stored), and this run on \(data); "
                                            + "pass the --limit and --no-shuffle it was made with")
        }
        let done: [EpochMetrics], progress: EpochProgress?
        do {
            done = try JSONDecoder().decode([EpochMetrics].self, from: Data(history.utf8))
            progress = try metadata["progress"].map { try JSONDecoder().decode(EpochProgress.self, from: Data($0.utf8)) }
        } catch {
            throw RunError.badCheckpoint(path: path, reason: "its history or progress is damaged: \(describe(error))")
        }
        guard done.count <= recipe.epochs else {
            throw RunError.badCheckpoint(path: path, reason: "it has \(done.count) epochs done, more than --epochs \(recipe.epochs)")
        }
        if let progress, progress.epoch != done.count + 1 || progress.epoch > recipe.epochs || progress.batches < 0 {
            throw RunError.badCheckpoint(path: path, reason: "it stands at batch \(progress.batches) of epoch \(progress.epoch) "
                                            + "after \(done.count) finished epochs; it is damaged")
        }
        func part<Value>(_ prefix: String, of entries: [String: Value]) -> [String: Value] {
            Dictionary(uniqueKeysWithValues: entries.filter { $0.key.hasPrefix(prefix) }.map { (String($0.key.dropFirst(prefix.count)), $0.value) })
        }
        let words = metadata["random"]?.split(separator: ",", omittingEmptySubsequences: false).map { UInt64($0) } ?? []
        guard words.count == 4, words.allSatisfy({ $0 != nil }) else {
            throw RunError.badCheckpoint(path: path, reason: "its random generator state is missing or damaged")
        }
        try model.load(stateDictionary: part("model.", of: tensors), dtypes: part("model.", of: dtypes), source: path)
        do {
            try optimizer.load(state: part("optimizer.", of: tensors))
        } catch {
            throw RunError.badCheckpoint(path: path, reason: "\(error)")
        }
        Random.global = RandomGenerator(state: words.map { $0! })
        return (done, progress)
    }

    /// The recipe as sorted-key JSON, without its epoch count unless the schedule spans the run (a
    /// resumed run may then train longer).
    private static func canonicalJSON(_ recipe: Recipe) throws -> String {
        var fields = try JSONSerialization.jsonObject(with: JSONEncoder().encode(recipe)) as? [String: Any] ?? [:]
        if !recipe.schedule.spansTheRun { fields["epochs"] = nil }
        return String(decoding: try JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys, .withoutEscapingSlashes]),
                      as: UTF8.self)
    }
}
