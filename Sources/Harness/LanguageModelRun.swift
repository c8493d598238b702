import Datasets
import Engine
import Foundation
import Zoo

/// What `zoo run` does for a language model: The Time Machine's windows, the model over its vocabulary,
/// the perplexity table and a sample continuation at the end.
enum LanguageModelRun {
    static func prepare(_ entry: LanguageModelEntry, _ options: RunOptions) throws -> PreparedRun<LanguageModelTask> {
        let file = TimeMachine.file
        let (tokens, vocabulary) = try TimeMachine.corpus(of: try file.text(dataDir: options.dataDir), path: file.name)
        let windows = try LanguageModelWindows(tokens: tokens, steps: entry.steps, source: file.name)
        let task = LanguageModelTask(windows: windows, batchSize: options.recipe.batchSize, shuffle: options.shuffle,
                                     seed: options.seed, limit: options.limit, testLimit: options.testLimit)
        let model = entry.build(vocabularySize: vocabulary.count, hidden: options.hidden, layers: options.layers)
        if let initializer = options.recipe.initialization { model.initializeWeights(initializer) }
        if let weights = options.weightsPath { _ = try loadWeights(weights, into: model, expecting: vocabulary) }
        let dataset = options.dataset.rawValue
        let trainTokens = task.training.count * windows.steps, testTokens = task.heldOut.count * windows.steps
        return PreparedRun(
            model: model, task: task, kind: .languageModel,
            data: "\(dataset), \(task.training.count) windows of \(windows.steps), " + (options.shuffle ? "shuffled" : "in order"),
            headline: "zoo run \(entry.name) on \(dataset): \(model.parameterCount.formatted()) parameters, vocabulary "
                + "\(vocabulary.count), \(task.training.count.formatted()) training / \(task.heldOut.count.formatted()) held-out windows of "
                + "\(windows.steps) tokens",
            trainExamples: trainTokens, testExamples: testTokens,
            weightsMetadata: ["vocab": vocabulary.json, "steps": String(windows.steps)],
            summary: { summary(of: $0, d2l: entry.d2lPerplexity) },
            epilogue: {
                let prefix = prefixTokens(options.prefix, vocabulary: vocabulary)
                var generator = RandomGenerator(seed: options.seed)
                let text = continuation(of: prefix.tokens, by: options.sampleLength, model: model, using: &generator)
                return "sample: " + (prefix.text + text.map { vocabulary.tokens[Int($0)] }.joined()).debugDescription
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

    /// `text` as The Time Machine's preprocessing leaves it, and its character tokens (unknown ones as `<unk>`).
    static func prefixTokens(_ text: String, vocabulary: Vocabulary) -> (text: String, tokens: [Int32]) {
        let characters = TimeMachine.characters(of: text)
        return (characters.joined(), characters.map { Int32(vocabulary.index(of: $0)) })
    }

    /// Loads a language model's weights from `path`; its stored vocabulary, when it has one, must be
    /// `expected` (when given). Returns the stored vocabulary.
    static func loadWeights(_ path: String, into model: LanguageModel, expecting expected: Vocabulary?) throws -> Vocabulary? {
        let file = try SafeTensors.read(path)
        let stored = try file.metadata["vocab"].map { try Vocabulary(json: $0, source: "the vocab of \(path)") }
        if let stored, let expected, stored != expected {
            throw RunError.mismatchedWeights(path: path, reason: "its vocabulary (\(stored.count) tokens: \(preview(stored))) is not "
                                             + "the dataset's (\(expected.count) tokens: \(preview(expected)))")
        }
        try model.load(file, source: path)
        return stored
    }

    static func preview(_ vocabulary: Vocabulary) -> String {
        vocabulary.tokens.prefix(6).map(\.debugDescription).joined(separator: " ") + (vocabulary.count > 6 ? " ..." : "")
    }
}
