import ArgumentParser
import Harness
import Zoo

struct List: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List the models with their default recipes, and the datasets.")

    func run() {
        var models = TextTable(header: ["model", "params", "reference input", "default recipe", "d2l test acc", "description"])
        for entry in ModelRegistry.all {
            models.add([entry.name, entry.parameterCount.formatted(), entry.inputShape.map(String.init).joined(separator: "x"),
                        entry.recipe.description, entry.d2lTestAccuracy.map { String($0) } ?? "", entry.summary])
        }
        print("Image classifiers (default dataset fashion-mnist):\n" + models.rendered)
        let notes = ModelRegistry.all.compactMap { entry in entry.d2lNote.map { "  \(entry.name): \($0)" } }
        if !notes.isEmpty { print("\nWhere the zoo's 10 epochs end outside d2l's band (\(RunComparison.d2lBand) from its figure):\n" + notes.joined(separator: "\n")) }
        var languageModels = TextTable(header: ["model", "params", "window", "default recipe", "d2l held-out ppl", "description"])
        for entry in ModelRegistry.languageModels {
            languageModels.add([entry.name, entry.parameterCount(vocabularySize: 28).formatted(), "\(entry.steps) characters",
                                entry.recipe.description, entry.d2lPerplexity.map { String($0) } ?? "", entry.summary])
        }
        print("\nLanguage models (default dataset timemachine; params for its 28 characters):\n" + languageModels.rendered)
        var translators = TextTable(header: ["model", "sentence length", "default recipe", "description"])
        for entry in ModelRegistry.translators {
            translators.add([entry.name, "\(entry.steps) tokens", entry.recipe.description, entry.summary])
        }
        print("\nTranslators (default dataset fra-eng; parameters depend on the vocabularies of the pairs used):\n" + translators.rendered)
        var regressions = TextTable(header: ["model", "inputs", "default recipe", "description"])
        for entry in ModelRegistry.regressions {
            regressions.add([entry.name, String(entry.inputs), entry.recipe.description, entry.summary])
        }
        print("\nRegression (default dataset synthetic-linear; --loss mse, huber or l1):\n" + regressions.rendered)
        var datasets = TextTable(header: ["dataset", "description"])
        for dataset in DatasetName.allCases { datasets.add([dataset.rawValue, dataset.summary]) }
        print("\nDatasets:\n" + datasets.rendered)
    }
}
