import Engine
import Foundation
import Zoo

/// `zoo compare`: one Markdown table of every recorded run, read back from the JSON records, so
/// Results/README.md is generated from the runs rather than typed.
public enum RunComparison {
    /// What the table reads from a record (records written by older versions lack nothing it needs).
    struct Entry: Decodable {
        struct RecordedRecipe: Decodable {
            var optimizer: String
            var learningRate: Double
            var momentum: Double?
            var nesterov: Bool?
            var weightDecay: Double?
            var batchSize: Int
            var initialization: String?
            var schedule: String?
            var resize: Int?
            var gradientClip: Double?

            /// "SGD lr 0.05, momentum 0.9, cosine, batch 256, xavier-uniform".
            var summary: String {
                var parts = ["\(optimizer.uppercased()) lr \(learningRate.formatted())"]
                if let momentum, momentum > 0 { parts.append("momentum \(momentum.formatted())\(nesterov == true ? " (Nesterov)" : "")") }
                if let weightDecay, weightDecay > 0 { parts.append("wd \(weightDecay.formatted())") }
                if let schedule, schedule != "constant" { parts.append(schedule) }
                if let gradientClip { parts.append("clip \(gradientClip.formatted())") }
                parts.append("batch \(batchSize)")
                if let initialization { parts.append(initialization) }
                return parts.joined(separator: ", ")
            }
        }

        var model: String
        /// Absent from records made before language models: classification.
        var task: TaskKind?
        var dataset: String
        var parameters: Int
        var recipe: RecordedRecipe
        var inputShape: [Int]?
        var seed: UInt64
        var trainExamples: Int
        var epochs: [EpochMetrics]
        /// The last epoch's metrics and those measured only at the end (BLEU with beam search).
        var final: EpochMetrics?
        var totalWallSeconds: Double
        var commandLine: String
        var date: String
        /// The code that made the run (absent from the oldest records).
        var gitCommit: String?
        /// Held-out examples, where a run limited them (absent: all).
        var testExamples: Int?

        /// Whether the run trained on its model's default dataset (not an image folder or another corpus).
        var isOnDefaultData: Bool {
            ModelRegistry.model(named: model).map { dataset == DatasetName.default(for: $0).rawValue } ?? false
        }

        /// "28x28", or the stored side, or "as stored".
        var inputDescription: String {
            let side = recipe.resize ?? DatasetName(rawValue: dataset)?.storedSide
            return inputShape.map { "\($0[1])x\($0[2])" } ?? side.map { "\($0)x\($0)" } ?? "as stored"
        }
    }

    /// A record that cannot be read.
    public struct UnreadableRecord: Error, CustomStringConvertible {
        public let path: String, reason: String
        public var description: String { "\(path) is not a zoo run record (\(reason)); move it out of the folder or delete it." }
    }

    /// A benchmark report for the comparison that cannot be read.
    public struct UnreadableBenchReport: Error, CustomStringConvertible {
        public let path: String, reason: String
        public var description: String {
            "\(path) is not a report of `zoo bench --json` (\(reason)): write one with `zoo bench --json \(path)`, or pass --bench FILE."
        }
    }

    /// There is no folder of records where `zoo compare` looked.
    public struct MissingFolder: Error, CustomStringConvertible {
        public let path: String
        public var description: String {
            "there is no folder \(path): run records are written to Results/runs by `zoo run` (run it from the "
                + "repository's top folder), or pass --runs DIR."
        }
    }

    /// A folder of records that cannot be listed.
    public struct UnlistableFolder: Error, CustomStringConvertible {
        public let path: String
        public var description: String { "cannot list the records in \(path): check its permissions." }
    }

    /// The records (`*.json`) in `folder`, by file name.
    static func entries(in folder: String) throws -> [(file: String, entry: Entry)] {
        guard FileManager.default.isFolder(folder) else { throw MissingFolder(path: folder) }
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else {
            throw UnlistableFolder(path: folder)
        }
        let files = names.filter { $0.hasSuffix(".json") }.sorted()
        return try files.map { file in (file, try entry(at: (folder as NSString).appendingPathComponent(file))) }
    }

    /// The record at `path`, checked for what the table indexes: an input shape is [channels, height, width].
    static func entry(at path: String) throws -> Entry {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw UnreadableRecord(path: path, reason: "it cannot be read")
        }
        let entry: Entry
        do {
            entry = try JSONDecoder().decode(Entry.self, from: data)
        } catch {
            throw UnreadableRecord(path: path, reason: describe(error))
        }
        if let shape = entry.inputShape, shape.count != 3 || shape.contains(where: { $0 <= 0 }) {
            throw UnreadableRecord(path: path, reason: "its inputShape \(shape) is not [channels, height, width]")
        }
        return entry
    }

    /// The Markdown tables of the records in `folder`, one per task (image classification, language
    /// modelling, translation) with a heading each, one row per run: models in the registry's order, runs
    /// of a model by date. Links point to `linkPrefix` + file name.
    public static func table(folder: String, linkPrefix: String = "") throws -> String {
        let order = Dictionary(uniqueKeysWithValues: ModelRegistry.names.enumerated().map { ($1, $0) })
        let rows = try entries(in: folder).sorted {
            (order[$0.entry.model] ?? .max, $0.entry.date) < (order[$1.entry.model] ?? .max, $1.entry.date)
        }
        var sections: [String] = []
        for kind in [TaskKind.classification, .languageModel, .translation, .regression] {
            let runs = rows.filter { ($0.entry.task ?? .classification) == kind }
            guard !runs.isEmpty || kind == .classification else { continue }
            sections.append("### \(kind.title)\n\n" + table(kind, runs, linkPrefix: linkPrefix).markdown)
        }
        return sections.joined(separator: "\n\n")
    }

    /// One task's table.
    static func table(_ kind: TaskKind, _ runs: [(file: String, entry: Entry)], linkPrefix: String) -> TextTable {
        let metrics: [String] = switch kind {
        case .classification: ["input", "recipe", "epochs", "train examples", "test acc", "d2l test acc", "train loss / acc", "train ex/s"]
        case .languageModel: ["recipe", "epochs", "train windows", "held-out ppl", "d2l held-out ppl", "train ppl", "train tok/s"]
        case .translation: ["recipe", "epochs", "train pairs", "BLEU greedy", "beam 2", "beam 4", "held-out loss", "train tok/s"]
        case .regression: ["recipe", "epochs", "train examples", "train loss", "held-out mse", "|w error|", "|b error|"]
        }
        var table = TextTable(header: ["model", "params"] + metrics + ["wall", "command", "record", "plot"])
        for (file, run) in runs {
            guard let last = run.final ?? run.epochs.last else { continue }
            let trainRate = whole(run.epochs.map(\.trainExamplesPerSecond).median)
            func metric(_ name: String, _ digits: Int) -> String { last.heldOut[name].map { fixed($0, digits) } ?? "" }
            let values: [String] = switch kind {
            case .classification:
                [run.inputDescription, run.recipe.summary, String(run.epochs.count), run.trainExamples.formatted(),
                 fixed(last.testAccuracy, 3), ModelRegistry.entry(named: run.model)?.d2lTestAccuracy.map { fixed($0, 3) } ?? "",
                 fixed(last.trainLoss, 3) + " / " + fixed(last.trainAccuracy, 3), trainRate]
            case .languageModel:
                [run.recipe.summary, String(run.epochs.count), (run.trainExamples / 32).formatted(), metric("perplexity", 2),
                 d2lPerplexity(of: run).map { fixed($0, 2) } ?? "",
                 fixed(perplexity(last.trainLoss), 2), trainRate]
            case .translation:
                [run.recipe.summary, String(run.epochs.count), run.trainExamples.formatted(), metric("bleu", 2), metric("bleuBeam2", 2),
                 metric("bleuBeam4", 2), metric("testLoss", 3), trainRate]
            case .regression:
                [run.recipe.summary, String(run.epochs.count), run.trainExamples.formatted(), String(format: "%.3g", last.trainLoss),
                 last.heldOut["testLoss"].map { String(format: "%.3g", $0) } ?? "", last.heldOut["weightError"].map { String(format: "%.2g", $0) } ?? "",
                 last.heldOut["biasError"].map { String(format: "%.2g", $0) } ?? ""]
            }
            table.add([run.model, run.parameters.formatted()] + values
                      + [duration(wallSeconds(of: run)), "`" + reproducingCommand(run.commandLine) + "`",
                         "[\(file)](\(linkPrefix)\(file))", "[png](\(linkPrefix)\(CurvePlot.path(forRecordAt: file)))"])
        }
        return table
    }

    /// d2l's held-out perplexity for a language-model run at d2l's size on characters, nil otherwise.
    static func d2lPerplexity(of run: Entry) -> Double? {
        guard run.dataset == DatasetName.timeMachine.rawValue,
              let entry = ModelRegistry.languageModels.first(where: { $0.name == run.model }),
              run.parameters == entry.parameterCount(vocabularySize: 28) else { return nil }
        return entry.d2lPerplexity
    }

    /// The recorded command as `zoo ...`, without the flags that only name local files and leave the
    /// result unchanged (--record, --save, --checkpoint, --resume: a resumed run ends as a straight one;
    /// --data-dir).
    static func reproducingCommand(_ commandLine: String) -> String {
        let words = CommandLineWords.removing(["--record", "--save", "--checkpoint", "--checkpoint-every", "--resume", "--data-dir"],
                                              from: commandLine)
        return (["zoo"] + words.dropFirst()).joined(separator: " ")
    }

    /// The run's wall time: records of resumed runs made before 4d4c815 counted only the resumed
    /// process, so the epochs' own wall times bound it from below.
    static func wallSeconds(of run: Entry) -> Double {
        max(run.totalWallSeconds, run.epochs.map(\.wallSeconds).reduce(0, +))
    }

    /// "42 s", "18.3 min", "2.1 h".
    static func duration(_ seconds: Double) -> String {
        seconds < 120 ? fixed(seconds, 0) + " s" : seconds < 7200 ? fixed(seconds / 60, 1) + " min" : fixed(seconds / 3600, 1) + " h"
    }
}

extension RunComparison {
    /// Draws the plot of every record in `folder` that has none (records older than plots); returns their paths.
    public static func writeMissingPlots(folder: String) throws -> [String] {
        try entries(in: folder).compactMap { file, run in
            let path = CurvePlot.path(forRecordAt: (folder as NSString).appendingPathComponent(file))
            guard !FileManager.default.fileExists(atPath: path) else { return nil }
            try CurvePlot.write(run.epochs, model: run.model, dataset: run.dataset, to: path)
            return path
        }
    }

    /// The `zoo bench --json` report at `path`.
    static func benchReport(at path: String) throws -> Benchmark.Report {
        guard FileManager.default.fileExists(atPath: path) else { throw UnreadableBenchReport(path: path, reason: "there is no such file") }
        guard !FileManager.default.isFolder(path), let data = FileManager.default.contents(atPath: path) else {
            throw UnreadableBenchReport(path: path, reason: "it cannot be read")
        }
        do {
            return try JSONDecoder().decode(Benchmark.Report.self, from: data)
        } catch {
            throw UnreadableBenchReport(path: path, reason: describe(error))
        }
    }

    /// Results/README.md: the comparison of `folder`'s records (throughput from the `zoo bench` report at
    /// `benchPath`, if there is one), then every run, under a note on where they come from, with links
    /// relative to `outputFolder`.
    public static func document(folder: String, outputFolder: String, benchPath: String? = nil) throws -> String {
        let here = URL(fileURLWithPath: outputFolder).standardizedFileURL.path
        /// `path` relative to the page's folder where it lies inside it, else whole.
        func shown(_ path: String) -> String {
            let whole = URL(fileURLWithPath: path).standardizedFileURL.path
            return whole.hasPrefix(here + "/") ? String(whole.dropFirst(here.count + 1)) : whole
        }
        let prefix = shown(folder) + "/"
        var bench: Benchmark.Report?, benchNote = "no benchmark report"
        if let benchPath {
            let report = try benchReport(at: benchPath)
            bench = report
            benchNote = "`\(shown(benchPath))`\n(\(report.machine.cpu), \(report.machine.cores) cores; made by `\(report.commandLine)`)"
        }
        return """
            # Results

            Generated by `zoo compare --output Results/README.md` from the JSON records in `\(prefix)`, not typed.

            ## Comparison

            One row per experiment: model, data, input, recipe, length of training and the command's flags but the
            seed. Several runs of a row (seeds) are folded
            into their mean and, in brackets, their range. "default" rows ran the model's recipe of today with no
            flags; "earlier default" rows ran the default of their day, since changed; "variant" rows changed it by
            flags (fewer epochs, another size). Test accuracy is on the full 10,000-image Fashion-MNIST test set,
            after the last epoch; d2l's is what d2l reports after 10 epochs of its recipe (one GPU run; its own
            reruns differ by 0.03-0.13). Held-out perplexity is over d2l v1.0's 5,000 held-out windows of The Time
            Machine, each from a zero state, beside the figure d2l v1.0 reports for the same recipe. BLEU is corpus
            BLEU-4 (0-100, sacrebleu's definition) of the held-out English-French pairs (every 20th) against their
            full references. "at" names the code an earlier default ran, as its command today runs today's recipe.
            Training throughput is that of today's default of each model at the row's input, from \(benchNote):
            every model measured side by side in one sitting (images per second at batch 256, or the translators'
            tokens per second at their default size); the language models' rows have none, as `zoo bench`
            measures them at hidden 256, not d2l's 32 (see `bench/`).

            \(try summary(folder: folder, bench: bench))

            ## Every run

            One row per record. Each record holds the full recipe, per-epoch metrics, the machine (CPU, cores,
            OpenBLAS build) and git commit; the command column reruns it. Train ex/s and tok/s are medians over
            epochs of the training steps alone, on a shared 2-core machine: compare them within a run, and see
            `bench/` for side-by-side benchmarks.

            \(try table(folder: folder, linkPrefix: prefix))

            """
    }
}
