import Datasets
import Engine
import Foundation
import Zoo

/// What `zoo run` does for a language model: The Time Machine's windows, the model over its vocabulary,
/// the perplexity table and a sample continuation at the end.
enum LanguageModelRun {
    static func prepare(_ entry: LanguageModelEntry, _ options: RunOptions) throws -> PreparedRun<LanguageModelTask> {
        let file = TimeMachine.file
        let (tokens, vocabulary) = try TimeMachine.corpus(of: try file.text(dataDir: options.dataDir), path: file.name, tokens: options.tokens)
        let windows = try LanguageModelWindows(tokens: tokens, steps: entry.steps, source: file.name)
        let task = LanguageModelTask(windows: windows, batchSize: options.recipe.batchSize, shuffle: options.shuffle,
                                     seed: options.seed, limit: options.limit, testLimit: options.testLimit)
        let model = entry.build(vocabularySize: vocabulary.count, hidden: options.hidden, layers: options.layers)
        if let initializer = options.recipe.initialization { model.initializeWeights(initializer) }
        if let weights = options.weightsPath { try SavedWeights.load(weights, into: model, name: entry.name, expecting: ["vocab": vocabulary]) }
        let dataset = options.dataset.name + (options.tokens == .word ? " (words)" : "")
        let trainTokens = task.training.count * windows.steps, testTokens = task.heldOut.count * windows.steps
        return PreparedRun(
            model: model, task: task, kind: .languageModel,
            data: "\(dataset), \(task.training.count) windows of \(windows.steps), " + (options.shuffle ? "shuffled" : "in order"),
            headline: "zoo run \(entry.name) on \(dataset): \(model.parameterCount.formatted()) parameters, vocabulary "
                + "\(vocabulary.count), \(task.training.count.formatted()) training / \(task.heldOut.count.formatted()) held-out windows of "
                + "\(windows.steps) tokens",
            dataLabel: dataset, trainExamples: trainTokens, testExamples: testTokens,
            weightsMetadata: ["vocab": vocabulary.json, "steps": String(windows.steps), "tokens": options.tokens.rawValue],
            summary: { summary(of: $0, d2l: options.tokens == .character ? entry.d2lPerplexity : nil) },
            conclusion: {
                let prefix = prefixTokens(options.prefix, vocabulary: vocabulary, options.tokens)
                guard !prefix.tokens.isEmpty else { return Conclusion(text: "sample: none (the prefix has no letters)") }
                var generator = RandomGenerator(seed: options.seed)
                let text = continuation(of: prefix.tokens, by: options.sampleLength, model: model, using: &generator)
                return Conclusion(text: "sample: " + (prefix.text + joined(text, vocabulary, options.tokens)).debugDescription)
            })
    }

    /// The end-of-run summary table.
    static func summary(of record: RunRecord, d2l: Double?) -> String {
        var table = TextTable(header: ["model", "params", "epochs", "train loss", "train ppl", "held-out ppl", "d2l held-out ppl",
                                       "train tok/s", "eval tok/s", "wall s"])
        if let last = record.final {
            table.add([record.model, record.parameters.formatted(), String(record.epochs.count), fixed(last.trainLoss, 3),
                       fixed(perplexity(last.trainLoss), 2), fixed(last.perplexity ?? .nan, 2), d2l.map { fixed($0, 2) } ?? "",
                       whole(record.epochs.map(\.trainExamplesPerSecond).median),
                       whole(record.epochs.map(\.evalExamplesPerSecond).median), fixed(record.totalWallSeconds, 1)])
        }
        return table.rendered
    }
}
