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
