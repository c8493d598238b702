import Datasets
import Engine
import Foundation
import Zoo

/// What `zoo run` does for a regression: d2l's synthetic data drawn from the seed, the model, and at the
/// end the learned weights and bias beside the truth.
enum RegressionRun {
    static func prepare(_ entry: RegressionEntry, _ options: RunOptions) throws -> PreparedRun<RegressionTask> {
        let data = SyntheticLinear(seed: options.seed)
        let task = RegressionTask(data: data, loss: options.regressionLoss, batchSize: options.recipe.batchSize, shuffle: options.shuffle,
                                  seed: options.seed, limit: options.limit)
        let model = entry.build()
        if let initializer = options.recipe.initialization { model.initializeWeights(initializer) }
        if let weights = options.weightsPath { try model.load(SafeTensors.read(weights), source: weights) }
        let dataset = options.dataset.name
        return PreparedRun(
            model: model, task: task, kind: .regression,
            data: "\(dataset), seed \(options.seed), \(task.training.count) examples, " + (options.shuffle ? "shuffled" : "in order"),
            headline: "zoo run \(entry.name) on \(dataset): \(model.parameterCount) parameters, \(options.regressionLoss.rawValue) loss, "
                + "\(task.training.count.formatted()) training / \(data.heldOutCount.formatted()) held-out examples",
            trainExamples: task.training.count, testExamples: data.heldOutCount,
            weightsMetadata: ["loss": options.regressionLoss.rawValue],
            summary: { summary(of: $0, model: model) },
            conclusion: {
                let (w, b) = learned(model)
                let errors = zip(SyntheticLinear.weights, w).map { $0 - $1 }
                return Conclusion(text: "learned w \(numbers(w)), b \(numbers([b])); truth w \(numbers(SyntheticLinear.weights)), b "
                                  + "\(numbers([SyntheticLinear.bias])); error in w \(numbers(errors)), in b \(numbers([SyntheticLinear.bias - b]))",
                                  metrics: ["weightError": Double(errors.map { $0 * $0 }.reduce(0, +).squareRoot()),
                                            "biasError": Double(abs(SyntheticLinear.bias - b))])
            })
    }

    /// The Linear layer's weights and bias.
    static func learned(_ model: Module) -> (weights: [Float], bias: Float) {
        let layer = model as! Linear
        return (layer.weight.scalars, layer.bias!.scalars[0])
    }

    static func numbers(_ values: [Float]) -> String { "[" + values.map { String(format: "%.4f", $0) }.joined(separator: ", ") + "]" }

    /// The end-of-run summary table.
    static func summary(of record: RunRecord, model: Module) -> String {
        var table = TextTable(header: ["model", "params", "epochs", "train loss", "held-out mse", "w", "b", "|w error|", "|b error|", "wall s"])
        if let last = record.final {
            // The errors are the conclusion's, which join the final metrics.
            let (w, b) = learned(model)
            table.add([record.model, record.parameters.formatted(), String(record.epochs.count), String(format: "%.3g", last.trainLoss),
                       String(format: "%.3g", last.heldOut["testLoss"] ?? .nan), numbers(w), numbers([b]),
                       String(format: "%.2g", last.heldOut["weightError"] ?? .nan), String(format: "%.2g", last.heldOut["biasError"] ?? .nan),
                       fixed(record.totalWallSeconds, 2)])
        }
        return table.rendered
    }
}
