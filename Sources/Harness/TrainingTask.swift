import Datasets
import Engine

/// What one kind of model (classifier, language model, translator) brings to the training loop: its
/// batches, its loss, and its held-out metrics. `Trainer` does the rest for every task alike.
public protocol TrainingTask {
    associatedtype Batch
    /// Training batches per epoch.
    var trainingBatchCount: Int { get }
    /// `share` of each training batch of `epoch` (numbered from 1) from its batch `first` on, in the epoch's
    /// order; nil for a batch too small to give the share an example.
    func trainingBatches(epoch: Int, from first: Int, share: Share) -> Batches<Batch?>
    /// The mean loss of `model` over `batch`, with gradients recorded; adds the batch's examples (or
    /// tokens: what the mean divides by), correct predictions and loss to `tally`.
    func loss(of model: Module, on batch: Batch, tally: inout TrainingTally) -> Tensor
    /// What adds up to the held-out metrics over `share` of the held-out data, in evaluation mode without
    /// gradients; an error if held-out data cannot be read (an image file that does not decode).
    func heldOutSums(_ model: Module, share: Share) throws -> HeldOutSums
    /// The held-out metrics by name from the sums of every share, and how many examples (or tokens) they covered.
    func heldOutMetrics(_ sums: HeldOutSums) -> (metrics: [String: Double], count: Int)
}

extension TrainingTask {
    /// The whole training batches of `epoch` from its batch `first` on.
    public func trainingBatches(epoch: Int, from first: Int) -> Batches<Batch> {
        trainingBatches(epoch: epoch, from: first, share: .whole).map { $0! }
    }

    /// Held-out metrics by name over all the held-out data, and how many examples (or tokens) they covered.
    public func evaluate(_ model: Module) throws -> (metrics: [String: Double], count: Int) {
        heldOutMetrics(try heldOutSums(model, share: .whole))
    }
}

/// Held-out results as sums that add up over the processes that each evaluated a share (correct
/// predictions, summed losses, counts); a task that does not split its evaluation has the first share
/// measure everything (`firstShareOnly`) and the others add nothing.
public struct HeldOutSums: Equatable, Sendable {
    public var values: [String: Double]
    /// Examples (or tokens) covered.
    public var count: Double

    public init(_ values: [String: Double] = [:], count: Double = 0) { (self.values, self.count) = (values, count) }

    /// The metrics of a task that evaluates unsplit: measured by the first share, nothing from the others.
    public static func firstShareOnly(_ share: Share, _ evaluate: () throws -> (metrics: [String: Double], count: Int)) rethrows -> HeldOutSums {
        guard share.part == 0 else { return HeldOutSums() }
        let (metrics, count) = try evaluate()
        return HeldOutSums(metrics, count: Double(count))
    }

    /// The metrics of `firstShareOnly` sums, as they were measured.
    public var asMeasured: (metrics: [String: Double], count: Int) { (values, Int(count)) }

    /// These sums as text, to pass between processes: a line "key value" each (the count's key empty), values
    /// as Swift writes a Double exactly (nan and inf included).
    var encoded: String {
        ([" \(count)"] + values.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }).joined(separator: "\n")
    }

    /// The sums that `encoded` wrote.
    init(decoding text: String) {
        self.init()
        for line in text.split(separator: "\n") {
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else {
                preconditionFailure("held-out sums from another process do not read: \(line)")
            }
            if space == line.startIndex { count = value } else { values[String(line[..<space])] = value }
        }
    }

    /// Both sums added, key by key (a missing key counts as 0).
    public static func + (a: HeldOutSums, b: HeldOutSums) -> HeldOutSums {
        HeldOutSums(a.values.merging(b.values, uniquingKeysWith: +), count: a.count + b.count)
    }
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

    public func trainingBatches(epoch: Int, from first: Int, share: Share) -> Batches<Batch?> {
        let order = shuffle ? shuffledOrder(training.count, seed: seed, epoch: epoch) : Array(training.indices)
        return Batches(from: first, to: trainingBatchCount) { number in
            let positions = order[(number * self.batchSize)..<min((number + 1) * self.batchSize, self.training.count)]
            return share.taking(positions).map { self.batch($0.map { self.training[$0] }) }
        }
    }
}
