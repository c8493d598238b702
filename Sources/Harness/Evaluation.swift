import Datasets
import Engine
import Zoo

/// `zoo eval`: the held-out metric and evaluation speed of saved weights, for every family of model.
public enum Evaluation {
    /// Loads `weights` into `model`, evaluates it on the held-out split of `dataset` (images at `resize`,
    /// default the recipe's size), prints the result, and writes it to `recordPath` when given.
    @discardableResult
    public static func execute(_ model: ZooModel, weights: String, dataset: DatasetChoice, resize: Int?,
                               testLimit: Int?, dataDir: String?, beam: Int = 1, recordPath: String? = nil) throws -> EvaluationRecord {
        try dataset.requireSuitable(for: model)
        if let recordPath { try AtomicFile.checkWritable(recordPath) }
        let record = switch model {
        case let .classifier(entry):
            try classifier(entry, weights: weights, dataset: dataset, resize: resize, testLimit: testLimit, dataDir: dataDir)
        case let .languageModel(entry):
            try languageModel(entry, weights: weights, dataset: dataset, testLimit: testLimit, dataDir: dataDir)
        case let .translator(entry):
            try translator(entry, weights: weights, dataset: dataset, testLimit: testLimit, dataDir: dataDir, beam: beam)
        case let .regression(entry):
            try regression(entry, weights: weights, dataset: dataset)
        }
        var table = TextTable(header: ["model", "weights", "dataset", "test \(record.task == .classification ? "examples" : "tokens")"]
                              + record.metrics.keys.sorted() + ["eval \(record.task.unit)"])
        table.add([model.name, weights, dataset.name, record.testExamples.formatted()]
                  + record.metrics.sorted { $0.key < $1.key }.map { fixed($0.value, 4) } + [whole(record.evalExamplesPerSecond)])
        print(table.rendered)
        if let recordPath {
            try record.write(to: recordPath)
            print("record: \(recordPath)")
        }
        return record
    }

    static func classifier(_ entry: ModelEntry, weights: String, dataset: DatasetChoice, resize: Int?, testLimit: Int?,
                           dataDir: String?) throws -> EvaluationRecord {
        let testSet = try dataset.evaluationSet(dataDir: dataDir)
        let saved = try SavedClassifier(entry, weights: weights)
        try saved.requireClasses(testSet.classNames)
        let test = try saved.loader(testSet, resize: resize, limit: testLimit)
        let model = try saved.model(channels: testSet.channels, classes: testSet.classNames.count)
        let clock = Stopwatch()
        let accuracy = try ClassificationTask.accuracy(of: model, on: test)
        return EvaluationRecord(model: entry.name, task: .classification, weights: weights, dataset: dataset.name,
                                testExamples: test.count, metrics: ["testAccuracy": accuracy], seconds: clock.seconds)
    }

    static func languageModel(_ entry: LanguageModelEntry, weights: String, dataset: DatasetChoice, testLimit: Int?,
                              dataDir: String?) throws -> EvaluationRecord {
        let file = TimeMachine.file
        let (model, stored, kind) = try SavedWeights.languageModel(entry, from: weights)
        let (tokens, vocabulary) = try TimeMachine.corpus(of: try file.text(dataDir: dataDir), path: file.name, tokens: kind)
        guard stored == vocabulary else { throw SavedWeights.mismatch(weights, key: "vocab", stored: stored, expected: vocabulary) }
        let task = LanguageModelTask(windows: try LanguageModelWindows(tokens: tokens, steps: entry.steps, source: file.name),
                                     batchSize: 1024, testLimit: testLimit)
        let clock = Stopwatch()
        let (metrics, count) = try task.evaluate(model)
        return EvaluationRecord(model: entry.name, task: .languageModel, weights: weights, dataset: dataset.name,
                                testExamples: count, metrics: metrics, seconds: clock.seconds)
    }

    /// The held-out mean squared error of the synthetic data drawn from seed 0 (`zoo run`'s default).
    static func regression(_ entry: RegressionEntry, weights: String, dataset: DatasetChoice) throws -> EvaluationRecord {
        let model = entry.build()
        try model.load(SafeTensors.read(weights), source: weights)
        let task = RegressionTask(data: SyntheticLinear(seed: 0), loss: .mse, batchSize: 1)
        let clock = Stopwatch()
        let (metrics, count) = try task.evaluate(model)
        return EvaluationRecord(model: entry.name, task: .regression, weights: weights, dataset: dataset.name, testExamples: count,
                                metrics: metrics, seconds: clock.seconds)
    }

    static func translator(_ entry: TranslatorEntry, weights: String, dataset: DatasetChoice, testLimit: Int?, dataDir: String?,
                           beam: Int) throws -> EvaluationRecord {
        let file = FraEng.file
        let pairs = try FraEng.pairs(of: try file.text(dataDir: dataDir), path: file.name)
        let translator = try SavedWeights.translator(entry, from: weights)
        // The held-out pairs of the full split; the saved vocabularies stand, whatever pairs built them.
        let task = TranslationTask(pairs: pairs, steps: entry.steps, batchSize: 128, testLimit: testLimit,
                                   vocabularies: (translator.source, translator.target))
        let clock = Stopwatch()
        var (metrics, count) = try task.evaluate(translator.model)
        if beam > 1 {
            metrics["bleuBeam\(beam)"] = task.heldOutBLEU(translator.beam(task.heldOut.map { pairs[$0].source }, width: beam).map(\.words))
        }
        return EvaluationRecord(model: entry.name, task: .translation, weights: weights, dataset: dataset.name,
                                testExamples: count, metrics: metrics, seconds: clock.seconds)
    }
}
