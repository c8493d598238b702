import Datasets
import Engine
import Foundation
import Zoo

/// A run ready to train: the model, its task, and what the record, the summary and the weights file
/// say about them. Each family's `prepare` makes one; `TrainingRun` does the rest alike for all.
struct PreparedRun<Task: TrainingTask> {
    var model: Module
    var task: Task
    var kind: TaskKind
    /// The training examples and their order ("fashion-mnist, 60000 examples, shuffled"): a checkpoint
    /// resumes only on the same.
    var data: String
    /// The line printed before training.
    var headline: String
    /// What the record and plot call the data, when it is more than the dataset's name ("timemachine (words)").
    var dataLabel: String? = nil
    var trainExamples: Int, testExamples: Int
    /// Images: [channels, height, width] after any resize.
    var inputShape: [Int]? = nil
    /// Saved with the weights beside "format", "model" and "dataset" (language models: the vocabulary).
    var weightsMetadata: [String: String] = [:]
    /// The table printed at the end.
    var summary: (RunRecord) -> String
    /// Run once training is done: what to print after the summary (a sample continuation, example
    /// translations) and held-out metrics measured only at the end (BLEU with beam search), which join the
    /// record's final metrics.
    var conclusion: () -> Conclusion = { Conclusion() }
}

/// What a run adds at its end.
struct Conclusion {
    var text: String?
    var metrics: [String: Double] = [:]
}

/// `zoo run`: trains a model end to end (data, model, training, evaluation, record, plot, summary).
public enum TrainingRun {
    /// Runs `options`, printing progress and a summary to standard output, and returns the record
    /// together with the path it was written to.
    @discardableResult
    public static func execute(_ options: RunOptions) throws -> (record: RunRecord, path: String) {
        do {
            return try Random.withGenerator(seed: options.seed) {
                try options.dataset.requireSuitable(for: options.model)
                let recordPath = options.recordPath ?? RunRecord.defaultPath(model: options.model.name, dataset: options.dataset.name)
                // Every destination is checked before the training, not after it (by the process that writes them).
                for path in options.collective?.isFirst == false ? [] :  [recordPath, CurvePlot.path(forRecordAt: recordPath), options.savePath, options.checkpointDestination].compactMap({ $0 }) {
                    try AtomicFile.checkWritable(path)
                }
                let total = Stopwatch()
                switch options.model {
                case let .classifier(entry): return try train(ClassifierRun.prepare(entry, options), options, recordPath, total)
                case let .languageModel(entry): return try train(LanguageModelRun.prepare(entry, options), options, recordPath, total)
                case let .translator(entry): return try train(TranslatorRun.prepare(entry, options), options, recordPath, total)
                case let .regression(entry): return try train(RegressionRun.prepare(entry, options), options, recordPath, total)
                }
            }
        } catch TrainingError.interrupted(let signal, let epoch, let batch, let saved) {
            throw RunError.stopped(signal: signal, epoch: epoch, batch: batch, resume: resumeCommand(options, saved: saved))
        } catch let error as TrainingError {
            guard case let .unreadableData(_, _, _, saved) = error else { throw error }
            throw RunError.unreadableData(error, resume: resumeCommand(options, saved: saved))
        }
    }

    private static func train<Task: TrainingTask>(_ run: PreparedRun<Task>, _ options: RunOptions, _ recordPath: String,
                                                  _ total: Stopwatch) throws -> (record: RunRecord, path: String) {
        let name = options.model.name, recipe = options.recipe, model = run.model
        // Under data parallelism only the first process prints (the others' output goes nowhere) and writes files.
        let collective = options.collective, writes = collective?.isFirst ?? true
        let checkpointPath = writes ? options.checkpointDestination : nil
        print(run.headline)
        print("recipe: \(recipe), seed \(options.seed)")
        if let collective { print("data-parallel: \(collective.size) processes, \(recipe.batchSize / collective.size) examples of each batch apiece") }
        if run.trainExamples % recipe.batchSize == 1, model.hasBatchNorm {
            throw RunError.lastBatchOfOneWithBatchNorm(examples: run.trainExamples, batchSize: recipe.batchSize)
        }
        if let collective, options.synchronizesBatchNorm, (1..<collective.size).contains(run.trainExamples % recipe.batchSize) {
            throw RunError.lastBatchTooSmallToShare(examples: run.trainExamples, batchSize: recipe.batchSize, processes: collective.size)
        }
        let optimizer = recipe.makeOptimizer(for: model.parameters)
        var done: [EpochMetrics] = [], progress: EpochProgress?
        if let resume = options.resumePath {
            // The first process reads the checkpoint, which it alone writes, for all.
            let contents = try collective.map { collective in
                Data(collective.broadcast(collective.isFirst ? [UInt8](try SafeTensors.contents(of: resume)) : []))
            }
            (done, progress) = try TrainingCheckpoint.resume(from: resume, contents: contents, model: model, modelName: name, recipe: recipe,
                                                             data: run.data, optimizer: optimizer, seed: options.seed)
            print("resuming from \(resume) " + (progress.map { "at batch \($0.batches) of epoch \($0.epoch)" } ?? "after epoch \(done.count)"))
        }
        let display = ProgressDisplay(totalEpochs: recipe.epochs, kind: run.kind)
        var trainer = Trainer(recipe: recipe)
        trainer.onBatch = display.batch
        trainer.onEpoch = display.epoch
        trainer.checkpointEvery = options.checkpointEvery
        trainer.earlyStopping = options.earlyStopPatience.map { ("validationAccuracy", $0) }
        trainer.collective = collective
        trainer.synchronizesBatchNorm = options.synchronizesBatchNorm
        if let checkpointPath {
            trainer.checkpoint = { history, progress, optimizer in
                try TrainingCheckpoint.write(to: checkpointPath, model: model, modelName: name, recipe: recipe, data: run.data,
                                             optimizer: optimizer, seed: options.seed, history: history, progress: progress)
            }
        }
        let history = try trainer.train(model, task: run.task, optimizer: optimizer, after: done, resuming: progress)
        let hosts = collective?.gather(ProcessInfo.processInfo.hostName)
        let conclusion = writes ? run.conclusion() : Conclusion()

        var record = RunRecord(
            model: name, task: run.kind, dataset: run.dataLabel ?? options.dataset.name, parameters: model.parameterCount, recipe: recipe,
            inputShape: run.inputShape, seed: options.seed, trainExamples: run.trainExamples, testExamples: run.testExamples,
            epochs: history, final: trainer.earlyStopping.flatMap { Trainer.bestEpoch(of: history, metric: $0.metric) } ?? history.last,
            totalWallSeconds: total.seconds + done.reduce(0) { $0 + $1.wallSeconds } + (progress?.wallSeconds ?? 0),
            commandLine: options.commandLine,
            machine: .current(), gitCommit: gitCommit(), zooVersion: zooVersion,
            date: ISO8601DateFormatter().string(from: Date()))
        record.final?.heldOut.merge(conclusion.metrics) { $1 }
        record.distributed = hosts.map { hosts in
            let sums = collective?.gradientSums
            return RunRecord.DistributedRecord(processes: hosts.count, hosts: hosts,
                                               allreduceSecondsPerStep: sums.flatMap { $0.count > 0 ? $0.seconds / Double($0.count) : nil })
        }
        record.distillation = options.distillation.map {
            RunRecord.DistillationRecord(teacher: $0.teacher.name, teacherWeights: $0.weights, temperature: $0.temperature, alpha: $0.alpha)
        }
        if let patience = options.earlyStopPatience, let best = record.final {
            record.earlyStopping = RunRecord.EarlyStopping(patience: patience, bestEpoch: best.epoch, lastEpoch: history.count)
        }
        guard writes else { return (record, "") }
        let path = try record.write(to: recordPath, replacing: options.recordPath != nil)
        let plot = CurvePlot.path(forRecordAt: path)
        try CurvePlot.write(history, model: name, dataset: run.dataLabel ?? options.dataset.name, to: plot)
        if let save = options.savePath {
            let metadata = run.weightsMetadata.merging(["format": "pt", "model": name, "dataset": options.dataset.name]) { $1 }
            try SafeTensors.write(model.stateDictionary(), metadata: metadata, to: save)
        }
        print()
        print(run.summary(record))
        if let stop = record.earlyStopping {
            print("early stopping: the best validation accuracy came in epoch \(stop.bestEpoch)"
                  + (stop.lastEpoch < recipe.epochs ? "; no better one in the \(stop.patience) epochs after it, so training stopped after epoch \(stop.lastEpoch)" : "")
                  + "; the model (and --save) keeps epoch \(stop.bestEpoch)'s weights")
        }
        if let text = conclusion.text { print(text) }
        if let distributed = record.distributed, let seconds = distributed.allreduceSecondsPerStep {
            print("data-parallel: \(distributed.processes) processes on \(Set(distributed.hosts).sorted().joined(separator: ", ")); "
                  + "the gradients' allreduce took \(String(format: "%.2f", seconds * 1000)) ms a step")
        }
        print("record: \(path)\nplot: \(plot)" + (options.savePath.map { "\nweights: \($0)" } ?? ""))
        return (record, path)
    }

    /// `commandLine` continuing from `checkpoint`: its --checkpoint or --resume flag becomes `--resume checkpoint`.
    /// The command that continues a stopped run from its checkpoint, if its state was saved there.
    private static func resumeCommand(_ options: RunOptions, saved: Bool) -> String? {
        guard saved, let checkpoint = options.checkpointDestination else { return nil }
        // A data-parallel run resumes with as many processes (the checkpoint's batches are split among them).
        return (options.collective.map { "mpirun -np \($0.size) " } ?? "") + resumeCommand(options.commandLine, checkpoint: checkpoint)
    }

    static func resumeCommand(_ commandLine: String, checkpoint: String) -> String {
        (CommandLineWords.removing(["--checkpoint", "--resume"], from: commandLine) + ["--resume", Substring(checkpoint)]).joined(separator: " ")
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
