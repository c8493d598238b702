import ArgumentParser
import Harness

struct Eval: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Evaluate saved weights (safetensors) on a test set.")

    @Argument(help: "The model the weights belong to (see `zoo list`).")
    var model: ModelName

    @Option(help: "A safetensors file with the model's PyTorch state_dict keys (from `zoo run --save`).")
    var weights: String

    @Option(help: "The dataset whose test split to use.")
    var dataset: DatasetName = .fashionMNIST

    @Option(help: "Resize images (bilinear) to N x N (default: the recipe's).")
    var resize: Int?

    @Option(help: "Evaluate on only the first N test examples.")
    var testLimit: Int?

    @Option(help: "Folder holding the dataset files.")
    var dataDir: String?

    func validate() throws {
        try requirePositive(resize, "--resize")
        try requirePositive(testLimit, "--test-limit")
    }

    func run() throws {
        try reportingErrors {
            try ClassifierEvaluation.execute(model.entry, weights: weights, dataset: dataset, resize: resize,
                                             testLimit: testLimit, dataDir: dataDir)
        }
    }
}
