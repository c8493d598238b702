import Datasets
import Engine
import Foundation
import Zoo

/// What `zoo run` does for a translator: the English-French pairs, the encoder-decoder over their
/// vocabularies, and at the end d2l's four example translations and held-out BLEU greedy and with beams.
enum TranslatorRun {
    /// d2l's example sentences (10.7) and their references.
    static let examples = [("go .", "va !"), ("i lost .", "j'ai perdu ."), ("he's calm .", "il est calme ."), ("i'm home .", "je suis chez moi .")]

    static func prepare(_ entry: TranslatorEntry, _ options: RunOptions) throws -> PreparedRun<TranslationTask> {
        let file = FraEng.file
        let pairs = try FraEng.pairs(of: try file.text(dataDir: options.dataDir), path: file.name)
        let task = TranslationTask(pairs: pairs, steps: entry.steps, batchSize: options.recipe.batchSize, shuffle: options.shuffle,
                                   seed: options.seed, limit: options.limit, testLimit: options.testLimit)
        let (source, target) = task.vocabularies
        let model = entry.build(sourceVocabularySize: source.count, targetVocabularySize: target.count)
        if let initializer = options.recipe.initialization { model.initializeWeights(initializer) }
        if let weights = options.weightsPath { try SavedWeights.load(weights, into: model, name: entry.name, expecting: ["src_vocab": source, "tgt_vocab": target]) }
        let dataset = options.dataset.name
        return PreparedRun(
            model: model, task: task, kind: .translation,
            data: "\(dataset), \(task.training.count) pairs, " + (options.shuffle ? "shuffled" : "in file order"),
            headline: "zoo run \(entry.name) on \(dataset): \(model.parameterCount.formatted()) parameters, vocabularies "
                + "\(source.count.formatted()) English / \(target.count.formatted()) French, \(task.training.count.formatted()) training / "
                + "\(task.heldOut.count.formatted()) held-out pairs of at most \(entry.steps) tokens",
            trainExamples: task.training.count, testExamples: task.heldOut.count,
            weightsMetadata: ["src_vocab": source.json, "tgt_vocab": target.json, "steps": String(entry.steps)],
            summary: summary,
            conclusion: {
                let translator = Translator(model: model, source: source, target: target, steps: entry.steps)
                var lines = ["d2l's examples (greedy, sentence BLEU k=2):"]
                for (english, french) in examples {
                    let words = translator.greedy([FraEng.tokens(ofPreprocessed: english[...])])[0].words
                    let bleu = BLEU.sentence(words, reference: BLEU.tokens(french), k: 2)
                    lines.append("  \(english) => \(words.joined(separator: " ")), bleu \(fixed(bleu, 3))")
                }
                var metrics: [String: Double] = [:]
                for width in [2, 4] {
                    let translations = translator.beam(task.heldOut.map { pairs[$0].source }, width: width).map(\.words)
                    metrics["bleuBeam\(width)"] = task.heldOutBLEU(translations)
                }
                lines.append("held-out corpus BLEU with beam 2: \(fixed(metrics["bleuBeam2"]!, 2)), beam 4: \(fixed(metrics["bleuBeam4"]!, 2))")
                return Conclusion(text: lines.joined(separator: "\n"), metrics: metrics)
            })
    }

    /// The end-of-run summary table.
    static func summary(of record: RunRecord) -> String {
        var table = TextTable(header: ["model", "params", "epochs", "train loss", "held-out loss", "BLEU greedy", "beam 2", "beam 4",
                                       "train tok/s", "eval tok/s", "wall s"])
        if let last = record.final {
            table.add([record.model, record.parameters.formatted(), String(record.epochs.count), fixed(last.trainLoss, 3),
                       fixed(last.heldOut["testLoss"] ?? .nan, 3), fixed(last.heldOut["bleu"] ?? .nan, 2),
                       fixed(last.heldOut["bleuBeam2"] ?? .nan, 2), fixed(last.heldOut["bleuBeam4"] ?? .nan, 2),
                       whole(record.epochs.map(\.trainExamplesPerSecond).median),
                       whole(record.epochs.map(\.evalExamplesPerSecond).median), fixed(record.totalWallSeconds, 1)])
        }
        return table.rendered
    }
}
