import ArgumentParser
import Harness

struct Eval: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Evaluate saved weights (safetensors): test accuracy, held-out perplexity, or held-out loss and BLEU.")

    @Argument(help: "The model the weights belong to (see `zoo list`).")
    var model: ModelName

    @Option(help: "A safetensors file with the model's PyTorch state_dict keys (from `zoo run --save`).")
    var weights: String

    @OptionGroup var data: DataOptions

    @Option(help: "Translators: also score beam search of this width (the greedy BLEU is always measured).")
    var beam: Int = 1

    @Option(help: "Also write the result as a JSON record to this file.")
    var record: String?

    func validate() throws {
        try requireInRange(beam, "--beam", 1...64)
    }

    func run() throws {
        try reportingErrors {
            try Evaluation.execute(model.model, weights: weights, dataset: data.dataset ?? .default(for: model.model), resize: data.resize,
                                   testLimit: data.testLimit, dataDir: data.dataDir, beam: beam, recordPath: record)
        }
    }
}
