import Datasets
import Engine

/// What one kind of model (classifier, language model, translator) brings to the training loop: its
/// batches, its loss, and its held-out metrics. `Trainer` does the rest for every task alike.
public protocol TrainingTask {
    associatedtype Batch
    /// Training batches per epoch.
    var trainingBatchCount: Int { get }
    /// The training batches of `epoch` (numbered from 1) from its batch `first` on, in the epoch's order.
    func trainingBatches(epoch: Int, from first: Int) -> Batches<Batch>
    /// The mean loss of `model` over `batch`, with gradients recorded; adds the batch's examples (or
    /// tokens), correct predictions and loss to `tally`.
    func loss(of model: Module, on batch: Batch, tally: inout TrainingTally) -> Tensor
    /// Held-out metrics by name, in evaluation mode without gradients, and how many examples (or tokens)
    /// they covered; an error if held-out data cannot be read (an image file that does not decode).
    func evaluate(_ model: Module) throws -> (metrics: [String: Double], count: Int)
}

/// A task whose training examples are numbered (windows, sentence pairs): batches are its `training`
/// examples in the epoch's order (shuffled from the seed unless `shuffle` is off), `batchSize` at a time.
public protocol NumberedExamplesTask: TrainingTask {
    /// The numbers of the training examples in use.
    var training: [Int] { get }
    var batchSize: Int { get }
    var shuffle: Bool { get }
    var seed: UInt64 { get }
    /// The examples numbered `indices` as one batch.
    func batch(_ indices: [Int]) -> Batch
}

extension NumberedExamplesTask {
    public var trainingBatchCount: Int { (training.count + batchSize - 1) / batchSize }

    public func trainingBatches(epoch: Int, from first: Int) -> Batches<Batch> {
        let order = shuffle ? shuffledOrder(training.count, seed: seed, epoch: epoch) : Array(training.indices)
        return Batches(from: first, to: trainingBatchCount) { number in
            self.batch(order[(number * self.batchSize)..<min((number + 1) * self.batchSize, self.training.count)].map { self.training[$0] })
        }
    }
}
