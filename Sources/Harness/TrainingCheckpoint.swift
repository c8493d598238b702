import Engine
import Foundation

/// Everything needed to continue an interrupted run, in one safetensors file written atomically after
/// every epoch: the model's state_dict (keys prefixed "model."), the optimizer's state ("optimizer."),
/// and as metadata the model name, the seed, the global random generator and the finished epochs' metrics.
enum TrainingCheckpoint {
    static func write(to path: String, model: Module, modelName: String, optimizer: Optimizer, seed: UInt64,
                      history: [EpochMetrics]) throws {
        let tensors = model.stateDictionary().map { ("model." + $0.0, $0.1) } + optimizer.state.map { ("optimizer." + $0.0, $0.1) }
        let metadata = [
            "format": "zoo-training-checkpoint", "model": modelName, "seed": String(seed),
            "random": Random.global.state.map(String.init).joined(separator: ","),
            "history": String(decoding: try JSONEncoder().encode(history), as: UTF8.self),
        ]
        try SafeTensors.write(tensors, metadata: metadata, to: path)
    }

    /// Loads the checkpoint at `path` into `model` and `optimizer` and returns the finished epochs.
    static func resume(from path: String, model: Module, modelName: String, optimizer: Optimizer, seed: UInt64) throws -> [EpochMetrics] {
        let (tensors, metadata) = try SafeTensors.read(path)
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
        func part(_ prefix: String) -> [String: Tensor] {
            Dictionary(uniqueKeysWithValues: tensors.filter { $0.key.hasPrefix(prefix) }.map { (String($0.key.dropFirst(prefix.count)), $0.value) })
        }
        try model.load(stateDictionary: part("model."), source: path)
        try optimizer.load(state: part("optimizer."))
        if let words = metadata["random"]?.split(separator: ",").compactMap({ UInt64($0) }), words.count == 4 {
            Random.global = RandomGenerator(state: words)
        }
        return try JSONDecoder().decode([EpochMetrics].self, from: Data(history.utf8))
    }
}
