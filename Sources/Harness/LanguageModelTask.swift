import Datasets
import Engine
import Foundation
import Zoo

/// Language modelling as d2l v1.0 trains it (9.5-9.6): windows of a token corpus in shuffled minibatches,
/// each from a zero state; the loss is the mean cross-entropy of every next token, and the held-out
/// metric the perplexity (exp of the mean cross-entropy) over every held-out window, also from a zero state.
public struct LanguageModelTask: NumberedExamplesTask {
    /// Windows laid out time-major: token (step t, window b) at t * batch + b.
    public struct Batch {
        public let inputs: [Int32]
        public let targets: [Int]
        public let windows: Int
    }

    public let windows: LanguageModelWindows
    /// Indices (into `windows`) of the training windows in use and of the held-out ones.
    public let training: [Int], heldOut: [Int]
    public let batchSize: Int
    public let shuffle: Bool
    public let seed: UInt64

    /// `limit` takes the first N training windows, `testLimit` the first N held-out ones.
    public init(windows: LanguageModelWindows, batchSize: Int, shuffle: Bool = true, seed: UInt64 = 0,
                limit: Int? = nil, testLimit: Int? = nil) {
        precondition(batchSize > 0, "batch size must be positive")
        self.windows = windows
        training = Array(windows.trainIndices.prefix(limit ?? .max))
        heldOut = Array(windows.heldOutIndices.prefix(testLimit ?? .max))
        self.batchSize = batchSize
        self.shuffle = shuffle
        self.seed = seed
    }

    /// The windows at `indices`, time-major.
    public func batch(_ indices: [Int]) -> Batch {
        let steps = windows.steps, count = indices.count
        var inputs = [Int32](repeating: 0, count: steps * count), targets = [Int](repeating: 0, count: steps * count)
        for (b, index) in indices.enumerated() {
            let (input, target) = windows.window(index)
            for t in 0..<steps {
                inputs[t * count + b] = input[input.startIndex + t]
                targets[t * count + b] = Int(target[target.startIndex + t])
            }
        }
        return Batch(inputs: inputs, targets: targets, windows: count)
    }

    public func loss(of model: Module, on batch: Batch, tally: inout TrainingTally) -> Tensor {
        let logits = Self.languageModel(model)(tokens: batch.inputs, steps: windows.steps, batch: batch.windows, state: nil).logits
        let loss = crossEntropy(logits: logits, targets: batch.targets)
        tally.add(predictions: logits.argmax(axis: 1), labels: batch.targets, meanLoss: loss.item)
        return loss
    }

    /// The summed next-token loss over `share` of each batch of held-out windows.
    public func heldOutSums(_ model: Module, share: Share) -> HeldOutSums {
        let tally = Self.tally(of: Self.languageModel(model), on: heldOut, share: share, task: self)
        return HeldOutSums(["lossSum": tally.lossSum], count: Double(tally.examples))
    }

    public func heldOutMetrics(_ sums: HeldOutSums) -> (metrics: [String: Double], count: Int) {
        let loss = sums.count == 0 ? 0 : (sums.values["lossSum"] ?? 0) / sums.count
        return (["perplexity": perplexity(loss), "testLoss": loss], Int(sums.count))
    }

    /// The mean next-token cross-entropy of `model` over the windows at `indices`, in evaluation mode.
    static func meanLoss(of model: LanguageModel, on indices: [Int], task: LanguageModelTask) -> Double {
        tally(of: model, on: indices, share: .whole, task: task).meanLoss
    }

    /// The next-token losses of `model` over `share` of each batch of the windows at `indices`, in evaluation mode.
    static func tally(of model: LanguageModel, on indices: [Int], share: Share, task: LanguageModelTask) -> TrainingTally {
        var tally = TrainingTally()
        model.evaluating {
            for start in stride(from: 0, to: indices.count, by: task.batchSize) {
                guard let mine = share.taking(indices[start..<min(start + task.batchSize, indices.count)]) else { continue }
                let batch = task.batch(Array(mine))
                let logits = model(tokens: batch.inputs, steps: task.windows.steps, batch: batch.windows, state: nil).logits
                tally.add(predictions: [], labels: batch.targets, meanLoss: crossEntropy(logits: logits, targets: batch.targets).item)
            }
        }
        return tally
    }

    static func languageModel(_ model: Module) -> LanguageModel {
        guard let model = model as? LanguageModel else { preconditionFailure("a language-model task needs a LanguageModel") }
        return model
    }
}

/// exp(mean cross-entropy), held to the largest finite Double so that a diverged model still has a record.
public func perplexity(_ meanLoss: Double) -> Double { min(Foundation.exp(meanLoss), .greatestFiniteMagnitude) }
