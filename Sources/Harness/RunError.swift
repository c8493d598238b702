/// A run that cannot start as asked.
public enum RunError: Error, CustomStringConvertible {
    case fixedInputSize(model: String, size: Int, got: Int)
    case inputTooSmall(model: String, minimum: Int, got: Int)
    case badCheckpoint(path: String, reason: String)
    case unsuitableDataset(model: String, dataset: String, suitable: [String])
    /// `--early-stop` on training images of which no class has two to hold one out.
    case earlyStoppingWithoutValidation(dataset: String)
    /// `--dataset` names neither a dataset nor a folder.
    case unknownDataset(String)
    /// A weights file that belongs to another model or vocabulary.
    case mismatchedWeights(path: String, reason: String)
    /// A signal stopped the run; `resume` continues it from its checkpoint, when there is one.
    case stopped(signal: Int32, epoch: Int, batch: Int, resume: String?)
    /// Unreadable data stopped the run; `resume` continues it from its checkpoint, when there is one.
    case unreadableData(TrainingError, resume: String?)
    /// Batch norm in training needs two examples a batch, and the last batch would have one.
    case lastBatchOfOneWithBatchNorm(examples: Int, batchSize: Int)
    /// Synchronized batch norm needs every process to take part in every batch: the last one is too small.
    case lastBatchTooSmallToShare(examples: Int, batchSize: Int, processes: Int)

    public var description: String {
        switch self {
        case let .fixedInputSize(model, size, got):
            "\(model) takes \(size)x\(size) inputs (its classifier has a fixed width), not \(got)x\(got): "
                + "use --resize \(size) or leave --resize out."
        case let .inputTooSmall(model, minimum, got):
            "\(model) needs inputs of at least \(minimum)x\(minimum) (smaller maps leave its last pooling window "
                + "nothing to cover), not \(got)x\(got): use --resize \(minimum) or more."
        case let .badCheckpoint(path, reason): "cannot resume from \(path): \(reason)."
        case let .unsuitableDataset(model, dataset, suitable):
            "\(model) does not train on \(dataset): use --dataset \(suitable.joined(separator: " or ")) (or leave --dataset out)."
        case let .earlyStoppingWithoutValidation(dataset):
            "--early-stop needs validation images held out of \(dataset)'s training images, and no class there has two: add images or leave --early-stop out."
        case let .unknownDataset(argument):
            "--dataset \(argument) is neither a dataset (\(DatasetName.allCases.map(\.rawValue).joined(separator: ", "))) nor a folder: "
                + "give a dataset's name, or the path of a folder of PNG images (PATH/<class>/*.png, or d2l's Kaggle layout, "
                + "PATH/trainLabels.csv beside PATH/train/<id>.png)."
        case let .mismatchedWeights(path, reason): "cannot use the weights in \(path): \(reason)."
        case let .stopped(signal, epoch, batch, resume):
            "\(TrainingError.interrupted(signal: signal, epoch: epoch, batch: batch, saved: resume != nil).stopSummary); "
                + (resume.map { "to continue, run:\n  \($0)" } ?? "nothing was saved (pass --checkpoint FILE to make a run resumable)")
        case let .lastBatchOfOneWithBatchNorm(examples, batchSize):
            "\(examples) training examples in batches of \(batchSize) leave a last batch of one example, and batch norm cannot "
                + "normalize a single example in training; give a --limit or --batch-size that leaves at least two (or none)"
        case let .lastBatchTooSmallToShare(examples, batchSize, processes):
            "--sync-batchnorm needs every process to have examples in every batch, and the last batch of \(examples) examples "
                + "in batches of \(batchSize) has \(examples % batchSize), fewer than the \(processes) processes; "
                + "give a --limit that leaves at least \(processes) (or none) for the last batch"
        case let .unreadableData(error, resume):
            error.stopSummary + (resume.map { "; to continue from where it stopped, run:\n  \($0)" } ?? "")
        }
    }
}
