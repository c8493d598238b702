import Datasets
import Engine

/// What one kind of model (classifier, language model, translator) brings to the training loop: its
/// batches, its loss, and its held-out metrics. `Trainer` does the rest for every task alike.
public protocol TrainingTask {
    associatedtype Batch
    /// Training batches per epoch.
    var trainingBatchCount: Int { get }
    /// The training batches of `epoch` (numbered from 1) from its batch `first` on, in the epoch's order.
    func trainingBatches(epoch: Int, from first: Int) -> AnySequence<Batch>
    /// The mean loss of `model` over `batch`, with gradients recorded; adds the batch's examples (or
    /// tokens), correct predictions and loss to `tally`.
    func loss(of model: Module, on batch: Batch, tally: inout TrainingTally) -> Tensor
    /// Held-out metrics by name, in evaluation mode without gradients, and how many examples (or tokens)
    /// they covered.
    func evaluate(_ model: Module) -> (metrics: [String: Double], count: Int)
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

    public func trainingBatches(epoch: Int, from first: Int) -> AnySequence<Batch> {
        let order = shuffle ? shuffledOrder(training.count, seed: seed, epoch: epoch) : Array(training.indices)
        let starts = stride(from: min(first, trainingBatchCount) * batchSize, to: training.count, by: batchSize)
        return AnySequence(starts.lazy.map { start in
            self.batch(order[start..<min(start + self.batchSize, self.training.count)].map { self.training[$0] })
        })
    }
}
