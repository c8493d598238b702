import Datasets
import Engine
import Foundation
import Zoo

/// Everything `zoo run` needs to train one classifier.
public struct RunOptions: Sendable {
    public var model: ModelEntry
    public var dataset: DatasetName
    public var recipe: Recipe
    public var seed: UInt64 = 0
    public var limit: Int?
    public var testLimit: Int?
    public var dataDir: String?
    /// Where the JSON record goes; nil for Results/runs/<model>-<dataset>-<time>.json.
    public var recordPath: String?
    /// A safetensors file of weights to start from (PyTorch state_dict keys).
    public var weightsPath: String?
    /// Where to save the trained weights (safetensors, PyTorch state_dict keys).
    public var savePath: String?
    /// Where to write the full training state after every epoch.
    public var checkpointPath: String?
    /// Also write it every N training steps inside an epoch.
    public var checkpointEvery: Int?
    /// A training checkpoint to continue from (its epochs are not trained again).
    public var resumePath: String?
    /// Where the run writes its checkpoints: --checkpoint, else the file it resumed from.
    var checkpointDestination: String? { checkpointPath ?? resumePath }
    /// Keep the training examples in file order instead of reshuffling each epoch.
    public var shuffle = true
    public var commandLine: String = CommandLine.arguments.joined(separator: " ")

    public init(model: ModelEntry, dataset: DatasetName, recipe: Recipe) {
        self.model = model
        self.dataset = dataset
        self.recipe = recipe
    }
}

/// Trains a classifier end to end: data, model, training, evaluation, record, summary.
public enum ClassifierRun {
    /// Runs `options`, printing progress and a summary to standard output, and returns the record
    /// together with the path it was written to.
    @discardableResult
    public static func execute(_ options: RunOptions) throws -> (record: RunRecord, path: String) {
        do {
            return try Random.withGenerator(seed: options.seed) { try run(options) }
        } catch TrainingError.interrupted(let signal, let epoch, let batch, let saved) {
            let checkpoint = saved ? options.checkpointDestination : nil
            throw RunError.stopped(signal: signal, epoch: epoch, batch: batch,
                                   resume: checkpoint.map { resumeCommand(options.commandLine, checkpoint: $0) })
        }
    }

    private static func run(_ options: RunOptions) throws -> (record: RunRecord, path: String) {
        let total = Stopwatch()
        let entry = options.model, recipe = options.recipe
        let checkpointPath = options.checkpointDestination
        let recordPath = options.recordPath ?? RunRecord.defaultPath(model: entry.name, dataset: options.dataset.rawValue)
        // Every destination is checked before the training, not after it.
        for path in [recordPath, CurvePlot.path(forRecordAt: recordPath), options.savePath, checkpointPath].compactMap({ $0 }) {
            try AtomicFile.checkWritable(path)
        }
        let trainSet = try options.dataset.load(split: .train, dataDir: options.dataDir)
        let testSet = try options.dataset.load(split: .test, dataDir: options.dataDir)
        let side = recipe.resize ?? trainSet.height
        try entry.requireInputSize(side)
        let resize = side == trainSet.height && side == trainSet.width ? nil : side
        let training = BatchLoader(trainSet, batchSize: recipe.batchSize, shuffle: options.shuffle, seed: options.seed,
                                   limit: options.limit, resize: resize)
        let test = BatchLoader(testSet, batchSize: recipe.batchSize, shuffle: false, limit: options.testLimit,
                               resize: resize)

        let model = entry.build(channels: trainSet.channels, classes: trainSet.classNames.count)
        if let initializer = recipe.initialization { model.initializeWeights(initializer) }
        if let weights = options.weightsPath { try model.load(SafeTensors.read(weights), source: weights) }

        print("zoo run \(entry.name) on \(options.dataset.rawValue): \(model.parameterCount.formatted()) parameters, "
            + "\(training.count.formatted()) training / \(test.count.formatted()) test examples")
        print("recipe: \(recipe), seed \(options.seed)")
        let optimizer = recipe.makeOptimizer(for: model.parameters)
        let data = "\(options.dataset.rawValue), \(training.count) examples, " + (options.shuffle ? "shuffled" : "in file order")
        var done: [EpochMetrics] = [], progress: EpochProgress?
        if let resume = options.resumePath {
            (done, progress) = try TrainingCheckpoint.resume(from: resume, model: model, modelName: entry.name, recipe: recipe,
                                                             data: data, optimizer: optimizer, seed: options.seed)
            print("resuming from \(resume) " + (progress.map { "at batch \($0.batches) of epoch \($0.epoch)" } ?? "after epoch \(done.count)"))
        }
        let display = ProgressDisplay(totalEpochs: recipe.epochs)
        var trainer = ClassifierTrainer(recipe: recipe)
        trainer.onBatch = display.batch
        trainer.onEpoch = display.epoch
        trainer.checkpointEvery = options.checkpointEvery
        if let checkpointPath {
            trainer.checkpoint = { history, progress, optimizer in
                try TrainingCheckpoint.write(to: checkpointPath, model: model, modelName: entry.name, recipe: recipe, data: data,
                                             optimizer: optimizer, seed: options.seed, history: history, progress: progress)
            }
        }
        let history = try trainer.train(model, optimizer: optimizer, on: training, evaluatingOn: test, after: done,
                                        resuming: progress)

        let record = RunRecord(
            model: entry.name, dataset: options.dataset.rawValue, parameters: model.parameterCount, recipe: recipe,
            inputShape: resize.map { [trainSet.channels, $0, $0] } ?? [trainSet.channels, trainSet.height, trainSet.width],
            seed: options.seed, trainExamples: training.count, testExamples: test.count, epochs: history,
            final: history.last,
            totalWallSeconds: total.seconds + done.reduce(0) { $0 + $1.wallSeconds } + (progress?.wallSeconds ?? 0),
            commandLine: options.commandLine,
            machine: .current(), gitCommit: gitCommit(), zooVersion: zooVersion,
            date: ISO8601DateFormatter().string(from: Date()))
        let path = try record.write(to: recordPath, replacing: options.recordPath != nil)
        let plot = CurvePlot.path(forRecordAt: path)
        try CurvePlot.write(history, model: entry.name, dataset: options.dataset.rawValue, to: plot)
        if let save = options.savePath {
            try SafeTensors.write(model.stateDictionary(), metadata: ["format": "pt", "model": entry.name,
                                                                      "dataset": options.dataset.rawValue], to: save)
        }
        print()
        print(summary(of: record))
        print("record: \(path)\nplot: \(plot)" + (options.savePath.map { "\nweights: \($0)" } ?? ""))
        return (record, path)
    }

    /// `commandLine` continuing from `checkpoint`: its --checkpoint or --resume flag becomes `--resume checkpoint`.
    static func resumeCommand(_ commandLine: String, checkpoint: String) -> String {
        (CommandLineWords.removing(["--checkpoint", "--resume"], from: commandLine) + ["--resume", Substring(checkpoint)]).joined(separator: " ")
    }

    /// The end-of-run summary table.
    static func summary(of record: RunRecord) -> String {
        var table = TextTable(header: ["model", "params", "epochs", "train loss", "train acc", "test acc",
                                       "train ex/s", "eval ex/s", "wall s"])
        if let last = record.final {
            table.add([record.model, record.parameters.formatted(), String(record.epochs.count),
                       fixed(last.trainLoss, 3), fixed(last.trainAccuracy, 3), fixed(last.testAccuracy, 3),
                       whole(record.epochs.map(\.trainExamplesPerSecond).median),
                       whole(record.epochs.map(\.evalExamplesPerSecond).median),
                       fixed(record.totalWallSeconds, 1)])
        }
        return table.rendered
    }
}

/// A run that cannot start as asked.
public enum RunError: Error, CustomStringConvertible {
    case fixedInputSize(model: String, size: Int, got: Int)
    case inputTooSmall(model: String, minimum: Int, got: Int)
    case badCheckpoint(path: String, reason: String)
    /// A signal stopped the run; `resume` continues it from its checkpoint, when there is one.
    case stopped(signal: Int32, epoch: Int, batch: Int, resume: String?)

    public var description: String {
        switch self {
        case let .fixedInputSize(model, size, got):
            "\(model) takes \(size)x\(size) inputs (its classifier has a fixed width), not \(got)x\(got): "
                + "use --resize \(size) or leave --resize out."
        case let .inputTooSmall(model, minimum, got):
            "\(model) needs inputs of at least \(minimum)x\(minimum) (smaller maps leave its last pooling window "
                + "nothing to cover), not \(got)x\(got): use --resize \(minimum) or more."
        case let .badCheckpoint(path, reason): "cannot resume from \(path): \(reason)."
        case let .stopped(signal, epoch, batch, resume):
            "\(TrainingError.interrupted(signal: signal, epoch: epoch, batch: batch, saved: resume != nil).stopSummary); "
                + (resume.map { "to continue, run:\n  \($0)" } ?? "nothing was saved (pass --checkpoint FILE to make a run resumable)")
        }
    }
}

extension ModelEntry {
    /// Throws unless the model takes `side` x `side` inputs.
    func requireInputSize(_ side: Int) throws {
        guard let minimumSide else {
            if side == inputShape[1] { return }
            throw RunError.fixedInputSize(model: name, size: inputShape[1], got: side)
        }
        guard side >= minimumSide else { throw RunError.inputTooSmall(model: name, minimum: minimumSide, got: side) }
    }
}

extension Array where Element == Double {
    /// The middle value (mean of the two middle ones for even counts); 0 when empty.
    var median: Double {
        guard !isEmpty else { return 0 }
        let sorted = sorted()
        return count % 2 == 1 ? sorted[count / 2] : (sorted[count / 2 - 1] + sorted[count / 2]) / 2
    }
}
