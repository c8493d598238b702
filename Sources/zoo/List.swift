import ArgumentParser
import Harness
import Zoo

struct List: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List the models with their default recipes, and the datasets.")

    func run() {
        var models = TextTable(header: ["model", "params", "reference input", "default recipe", "description"])
        for entry in ModelRegistry.all {
            models.add([entry.name, entry.parameterCount.formatted(), entry.inputShape.map(String.init).joined(separator: "x"),
                        entry.recipe.description, entry.summary])
        }
        print("Models:\n" + models.rendered)
        var datasets = TextTable(header: ["dataset", "description"])
        for dataset in DatasetName.allCases { datasets.add([dataset.rawValue, dataset.summary]) }
        print("\nDatasets:\n" + datasets.rendered)
    }
}
