import Datasets
import Engine

/// The loss a regression trains on (`--loss`).
public enum RegressionLoss: String, CaseIterable, Sendable {
    case mse, huber, l1

    /// The mean loss of `prediction` against `target` (Huber with delta 1, as PyTorch's default).
    func callAsFunction(_ prediction: Tensor, _ target: Tensor) -> Tensor {
        switch self {
        case .mse: mseLoss(prediction, target)
        case .huber: huberLoss(prediction, target)
        case .l1: l1Loss(prediction, target)
        }
    }
}

/// Training a regression: minibatches of the synthetic data's training examples, the chosen loss, and the
/// held-out examples' mean squared error.
public struct RegressionTask: NumberedExamplesTask {
    public struct Batch {
        public let features: Tensor, targets: Tensor
    }

    public let data: SyntheticLinear
    public let loss: RegressionLoss
    public let training: [Int]
    public let batchSize: Int
    public let shuffle: Bool
    public let seed: UInt64

    public init(data: SyntheticLinear, loss: RegressionLoss, batchSize: Int, shuffle: Bool = true, seed: UInt64 = 0, limit: Int? = nil) {
        self.data = data
        self.loss = loss
        training = Array(0..<min(limit ?? data.trainCount, data.trainCount))
        (self.batchSize, self.shuffle, self.seed) = (batchSize, shuffle, seed)
    }

    public func batch(_ indices: [Int]) -> Batch {
        let width = data.featureCount
        return Batch(features: Tensor(shape: [indices.count, width], scalars: indices.flatMap { data.features[($0 * width)..<(($0 + 1) * width)] }),
                     targets: Tensor(shape: [indices.count, 1], scalars: indices.map { data.targets[$0] }))
    }

    public func loss(of model: Module, on batch: Batch, tally: inout TrainingTally) -> Tensor {
        let value = loss(model(batch.features), batch.targets)
        tally.add(predictions: [], labels: Array(repeating: 0, count: batch.targets.count), meanLoss: value.item)
        return value
    }

    /// The held-out examples' mean squared error (whatever the training loss).
    /// Measured on the first share alone (the held-out set is small).
    public func heldOutSums(_ model: Module, share: Share) -> HeldOutSums { .firstShareOnly(share) { measureHeldOut(model) } }

    public func heldOutMetrics(_ sums: HeldOutSums) -> (metrics: [String: Double], count: Int) { sums.asMeasured }

    func measureHeldOut(_ model: Module) -> (metrics: [String: Double], count: Int) {
        let heldOut = batch(Array(data.trainCount..<(data.trainCount + data.heldOutCount)))
        let error = model.evaluating { withoutGradients { mseLoss(model(heldOut.features), heldOut.targets).item } }
        return (["testLoss": Double(error)], data.heldOutCount)
    }
}
