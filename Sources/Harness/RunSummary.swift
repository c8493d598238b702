import Foundation
import Zoo

/// The comparison at the top of the results page: one row per experiment (model, dataset, input, recipe,
/// length of training and the command's flags but the seed), the runs of several seeds folded into their
/// mean and range, each row marked as the model's current default, an earlier default (a run with no flags
/// whose recipe has since changed) or a variant; training throughput from a `zoo bench` report, measured
/// side by side, rather than from runs that shared the machine.
extension RunComparison {
    /// Where a row stands against the model's recipe today.
    enum Standing: Int, Comparable {
        case currentDefault, earlierDefault, variant
        static func < (a: Standing, b: Standing) -> Bool { a.rawValue < b.rawValue }
        var label: String { ["default", "earlier default", "variant"][rawValue] }
    }

    /// Runs that share a row: the same experiment but for the seed, by date.
    struct RunGroup {
        var runs: [(file: String, entry: Entry)]
        var standing: Standing
        var first: Entry { runs[0].entry }
    }

    /// The recipe's summary as a record states it ("SGD lr 0.05, cosine, batch 256, xavier-uniform").
    static func summary(of recipe: Recipe) -> String? {
        guard let data = try? JSONEncoder().encode(recipe) else { return nil }
        return (try? JSONDecoder().decode(Entry.RecordedRecipe.self, from: data))?.summary
    }

    /// The run's command without what does not change the experiment: the seed, the files it wrote, and
    /// `--dataset` when it names the model's default dataset ("zoo run lenet" for the runs of every seed).
    static func experimentCommand(_ run: Entry) -> String {
        let ignored: Set<Substring> = run.isOnDefaultData ? ["--seed", "--dataset"] : ["--seed"]
        return (["zoo"] + CommandLineWords.removing(ignored, from: reproducingCommand(run.commandLine)).dropFirst()).joined(separator: " ")
    }

    /// Where `run` (and the runs of its row) stands: the current default if it ran with no flags the
    /// recipe, epochs, input and (for language models) size the model has today; an earlier default if it
    /// ran with no flags otherwise; a variant if flags changed it.
    static func standing(of run: Entry) -> Standing {
        guard experimentCommand(run).split(separator: " ").count <= 3,  // zoo run MODEL: no flag (--test-limit is one)
              let model = ModelRegistry.model(named: run.model) else { return .variant }
        var today = run.recipe.summary == summary(of: model.recipe) && run.epochs.count == model.recipe.epochs
        switch model {
        case let .classifier(entry): today = today && run.inputDescription == "\(entry.trainingSize)x\(entry.trainingSize)"
        case let .languageModel(entry): today = today && run.parameters == entry.parameterCount(vocabularySize: 28)
        case .translator, .regression: break
        }
        return today ? .currentDefault : .earlierDefault
    }

    /// `runs` in rows: by model in the registry's order; within a model, the current default first, then
    /// earlier defaults, then variants, each by its first run's date.
    static func groups(_ runs: [(file: String, entry: Entry)]) -> [RunGroup] {
        var groups: [String: RunGroup] = [:], keys: [String] = []
        for run in runs.sorted(by: { $0.entry.date < $1.entry.date }) {
            let e = run.entry
            let key = [e.model, e.dataset, e.inputDescription, e.recipe.summary, String(e.epochs.count), String(e.trainExamples),
                       String(e.testExamples ?? 0), String(e.parameters), experimentCommand(e)].joined(separator: "|")
            if groups[key] == nil {
                keys.append(key)
                groups[key] = RunGroup(runs: [], standing: standing(of: e))
            }
            groups[key]!.runs.append(run)
        }
        let order = Dictionary(uniqueKeysWithValues: ModelRegistry.names.enumerated().map { ($1, $0) })
        return keys.map { groups[$0]! }.sorted {
            (order[$0.first.model] ?? .max, $0.standing.rawValue, $0.first.date) < (order[$1.first.model] ?? .max, $1.standing.rawValue, $1.first.date)
        }
    }

    /// "0.905" for one value (or several equal at these digits), "0.905 (0.898..0.912)" for several.
    static func meanAndRange(_ values: [Double], digits: Int) -> String {
        guard let low = values.min(), let high = values.max() else { return "" }
        let mean = fixed(values.reduce(0, +) / Double(values.count), digits)
        let (lowText, highText) = (fixed(low, digits), fixed(high, digits))
        return lowText == highText ? mean : "\(mean) (\(lowText)..\(highText))"
    }

    /// One task's comparison table. `bench` gives the training throughput of today's default of each model.
    static func summaryTable(_ kind: TaskKind, _ runs: [(file: String, entry: Entry)], bench: Benchmark.Report?) -> TextTable {
        let (metric, reference): (String, String) = switch kind {
        case .classification: ("test acc", "d2l test acc")
        case .languageModel: ("held-out ppl", "d2l held-out ppl")
        case .translation: ("BLEU greedy", "beam 4")
        case .regression: ("held-out mse", "")
        }
        let images = kind == .classification
        // The bench measures images at each model's training size and translators at their default size;
        // language models at its own size (hidden 256), not d2l's, so their rows get no figure.
        let benchColumn: String? = switch kind {
        case .classification: "bench train ex/s"
        case .translation: "bench train tok/s"
        case .languageModel, .regression: nil
        }
        var header = ["model", "params"] + (images ? ["input"] : []) + ["recipe", "epochs", "standing", "runs", metric]
        if !reference.isEmpty { header.append(reference) }
        var table = TextTable(header: header + (benchColumn.map { [$0] } ?? []) + ["command"])
        for group in groups(runs) {
            let e = group.first
            let finals = group.runs.compactMap { $0.entry.final ?? $0.entry.epochs.last }
            let onDefaultData = e.isOnDefaultData
            var values: [String] = [onDefaultData ? e.model : "\(e.model) on \(e.dataset)", e.parameters.formatted()]
                + (images ? [e.inputDescription] : [])
                + [e.recipe.summary, String(e.epochs.count), group.standing.label, String(group.runs.count)]
            switch kind {
            case .classification:
                values += [meanAndRange(finals.map(\.testAccuracy), digits: 3),
                           ModelRegistry.entry(named: e.model)?.d2lTestAccuracy.map { fixed($0, 3) } ?? ""]
            case .languageModel:
                values += [meanAndRange(finals.compactMap { $0.heldOut["perplexity"] }, digits: 2), d2lPerplexity(of: e).map { fixed($0, 2) } ?? ""]
            case .translation:
                values += [meanAndRange(finals.compactMap { $0.heldOut["bleu"] }, digits: 2),
                           meanAndRange(finals.compactMap { $0.heldOut["bleuBeam4"] }, digits: 2)]
            case .regression:
                values += [meanAndRange(finals.compactMap { $0.heldOut["testLoss"] }, digits: 6)]
            }
            if benchColumn != nil {
                // Only rows that run today's model at its default size and data: an earlier default ran older code.
                let comparable = onDefaultData && group.standing != .earlierDefault && (images || group.standing == .currentDefault)
                let measured = bench?.models.first { $0.model == e.model && (!images || "\($0.inputSize)x\($0.inputSize)" == e.inputDescription) }
                values.append(comparable ? measured.map { whole($0.trainExamplesPerSecond) } ?? "" : "")
            }
            let command = "`" + reproducingCommand(e.commandLine) + "`"
            let commit = e.gitCommit.map { " (at \(String($0.prefix(7))))" } ?? " (an earlier commit)"
            values.append(group.standing == .earlierDefault ? command + commit : command)
            table.add(values)
        }
        return table
    }

    /// The comparison tables of the records in `folder`, one per task with a heading each, the image table followed by
    /// its rows outside d2l's band.
    public static func summary(folder: String, bench: Benchmark.Report?) throws -> String {
        let runs = try entries(in: folder)
        var sections: [String] = []
        for kind in [TaskKind.classification, .languageModel, .translation, .regression] {
            let ofKind = runs.filter { ($0.entry.task ?? .classification) == kind }
            guard !ofKind.isEmpty else { continue }
            sections.append("### \(kind.title): comparison\n\n" + summaryTable(kind, ofKind, bench: bench).markdown)
            if kind == .classification, let outside = outsideD2LBand(ofKind) { sections.append(outside) }
        }
        return sections.joined(separator: "\n\n")
    }

    /// How far from d2l's figure a result may lie and still agree with it: d2l's own reruns of one recipe differ by
    /// 0.03-0.13 in test accuracy.
    public static let d2lBand = 0.03

    /// The models whose rows of d2l's length of training (10 epochs, Fashion-MNIST) lie further than `d2lBand` from
    /// d2l's test accuracy, each with its rows and the registry's note on why (or that none is recorded yet).
    static func outsideD2LBand(_ runs: [(file: String, entry: Entry)]) -> String? {
        var rows: [String: [String]] = [:], models: [String] = []
        for group in groups(runs) {
            let e = group.first
            guard e.isOnDefaultData, e.epochs.count == 10, let d2l = ModelRegistry.entry(named: e.model)?.d2lTestAccuracy else { continue }
            let accuracies = group.runs.compactMap { ($0.entry.final ?? $0.entry.epochs.last)?.testAccuracy }
            guard !accuracies.isEmpty, abs(accuracies.reduce(0, +) / Double(accuracies.count) - d2l) > d2lBand else { continue }
            if rows[e.model] == nil { models.append(e.model) }
            rows[e.model, default: []].append("`\(reproducingCommand(e.commandLine))` \(meanAndRange(accuracies, digits: 3))")
        }
        guard !models.isEmpty else { return nil }
        let lines = models.map { model in
            let entry = ModelRegistry.entry(named: model)
            return "- **\(model)**: \(rows[model]!.joined(separator: ", ")) against d2l's \(fixed(entry?.d2lTestAccuracy ?? 0, 3)). "
                + (entry?.d2lNote ?? "Not explained yet.")
        }
        return "Rows of 10 epochs further than \(d2lBand) from d2l's test accuracy (the least by which d2l's own reruns differ), "
            + "and why:\n\n" + lines.joined(separator: "\n")
    }
}
