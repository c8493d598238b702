import ArgumentParser
import Harness

struct Eval: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Evaluate saved weights (safetensors) on a test set.")

    @Argument(help: "The model the weights belong to (see `zoo list`).")
    var model: ModelName

    @Option(help: "A safetensors file with the model's PyTorch state_dict keys (from `zoo run --save`).")
    var weights: String

    @OptionGroup var data: DataOptions

    func run() throws {
        try reportingErrors {
            try ClassifierEvaluation.execute(try model.classifier(for: "eval"), weights: weights, dataset: data.dataset ?? .fashionMNIST, resize: data.resize,
                                             testLimit: data.testLimit, dataDir: data.dataDir)
        }
    }
}
