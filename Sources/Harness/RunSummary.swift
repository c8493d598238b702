import Foundation
import Zoo

/// The comparison at the top of the results page: one row per model, input, recipe and length of training,
/// the runs of several seeds folded into their mean and range, each row marked as the model's current default,
/// an earlier default (a run with no recipe flags whose recipe has since changed) or a variant; training
/// throughput from a `zoo bench` report, measured side by side, rather than from runs that shared the machine.
extension RunComparison {
    /// Runs that share a row.
    struct RunGroup {
        var runs: [(file: String, entry: Entry)]
        var first: Entry { runs[0].entry }

        /// Where the row stands against the model's recipe today.
        enum Standing: Int, Comparable {
            case currentDefault, earlierDefault, variant
            static func < (a: Standing, b: Standing) -> Bool { a.rawValue < b.rawValue }
            var label: String { ["default", "earlier default", "variant"][rawValue] }
        }

        var standing: Standing {
            guard runs.allSatisfy({ RunComparison.usesNoRecipeFlags($0.entry.commandLine) }) else { return .variant }
            guard let model = ModelRegistry.model(named: first.model), let today = RunComparison.summary(of: model.recipe) else {
                return .earlierDefault
            }
            return first.recipe.summary == today && first.epochs.count == model.recipe.epochs ? .currentDefault : .earlierDefault
        }
    }

    /// The recipe's summary as a record states it ("SGD lr 0.05, cosine, batch 256, xavier-uniform").
    static func summary(of recipe: Recipe) -> String? {
        guard let data = try? JSONEncoder().encode(recipe) else { return nil }
        return (try? JSONDecoder().decode(Entry.RecordedRecipe.self, from: data))?.summary
    }

    /// Whether `commandLine` ran the model's default recipe of its day: no flags but the dataset, the seed
    /// and those that only name files.
    static func usesNoRecipeFlags(_ commandLine: String) -> Bool {
        let words = CommandLineWords.removing(["--dataset", "--seed"], from: reproducingCommand(commandLine))
        return words.count <= 3  // zoo run MODEL
    }

    /// `runs` in rows: by model in the registry's order; within a model, the current default first, then
    /// earlier defaults, then variants, each by its first run's date.
    static func groups(_ runs: [(file: String, entry: Entry)]) -> [RunGroup] {
        var groups: [String: RunGroup] = [:], keys: [String] = []
        for run in runs {
            let e = run.entry
            let key = [e.model, e.dataset, e.inputDescription, e.recipe.summary, String(e.epochs.count), String(e.trainExamples),
                       String(e.parameters)].joined(separator: "|")
            if groups[key] == nil { keys.append(key); groups[key] = RunGroup(runs: []) }
            groups[key]!.runs.append(run)
        }
        let order = Dictionary(uniqueKeysWithValues: ModelRegistry.names.enumerated().map { ($1, $0) })
        return keys.map { groups[$0]! }.sorted {
            (order[$0.first.model] ?? .max, $0.standing.rawValue, $0.first.date) < (order[$1.first.model] ?? .max, $1.standing.rawValue, $1.first.date)
        }
    }

    /// "0.905" for one value, "0.905 (0.898..0.912)" for several.
    static func meanAndRange(_ values: [Double], digits: Int) -> String {
        guard let low = values.min(), let high = values.max() else { return "" }
        let mean = fixed(values.reduce(0, +) / Double(values.count), digits)
        return values.count == 1 ? mean : "\(mean) (\(fixed(low, digits))..\(fixed(high, digits)))"
    }

    /// One task's comparison table. `bench` gives training throughput per model at its default input.
    static func summaryTable(_ kind: TaskKind, _ runs: [(file: String, entry: Entry)], bench: Benchmark.Report?) -> TextTable {
        let (metric, reference): (String, String) = switch kind {
        case .classification: ("test acc", "d2l test acc")
        case .languageModel: ("held-out ppl", "d2l held-out ppl")
        case .translation: ("BLEU greedy", "beam 4")
        case .regression: ("held-out mse", "")
        }
        let images = kind == .classification
        var header = ["model", "params"] + (images ? ["input"] : []) + ["recipe", "epochs", "standing", "runs", metric]
        if !reference.isEmpty { header.append(reference) }
        var table = TextTable(header: header + (kind == .languageModel ? [] : ["bench train /s"]) + ["command"])
        for group in groups(runs) {
            let e = group.first
            let finals = group.runs.compactMap { $0.entry.final ?? $0.entry.epochs.last }
            var values: [String] = [e.model, e.parameters.formatted()] + (images ? [e.inputDescription] : [])
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
            // The bench measures images at the row's size, translators at their default size; language models at
            // its own size (hidden 256), not d2l's, so they get no figure here.
            let measured = bench?.models.first { $0.model == e.model && (!images || "\($0.inputSize)x\($0.inputSize)" == e.inputDescription) }
            if kind != .languageModel { values.append(group.standing == .variant && !images ? "" : measured.map { whole($0.trainExamplesPerSecond) } ?? "") }
            values.append("`" + reproducingCommand(e.commandLine) + "`")
            table.add(values)
        }
        return table
    }

    /// The comparison tables of the records in `folder`, one per task with a heading each.
    public static func summary(folder: String, bench: Benchmark.Report?) throws -> String {
        let runs = try entries(in: folder)
        var sections: [String] = []
        for kind in [TaskKind.classification, .languageModel, .translation, .regression] {
            let ofKind = runs.filter { ($0.entry.task ?? .classification) == kind }
            guard !ofKind.isEmpty else { continue }
            sections.append("### \(kind.title)\n\n" + summaryTable(kind, ofKind, bench: bench).markdown)
        }
        return sections.joined(separator: "\n\n")
    }
}
