import ArgumentParser
import Engine
import Foundation
import Harness
import Zoo

struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure training and inference throughput of models against OpenBLAS sgemm in the same run.",
        discussion: "Image classifiers take full optimizer steps on a fixed batch of Fashion-MNIST images, text models on random "
            + "tokens. Compare the 'of sgemm' column and ratios within one run: absolute speeds drift on shared machines.")

    @Argument(help: "Models to measure (default: all).")
    var models: [ModelName] = []

    @Option(help: "Batch size of each step (default: 256 images, 32 windows, 128 sentence pairs).")
    var batchSize: Int?

    @Option(help: "Language models: hidden units (default 256, as the reference script's gru-lm).")
    var hidden: Int = 256

    @Option(help: "Language models: tokens per window (default 35, as the reference script's gru-lm).")
    var steps: Int = 35

    @Option(help: "Resize images to N x N for every model (default: each model's training size; see `zoo list`).")
    var resize: Int?

    @Option(help: "Size n of the n x n sgemm reference.")
    var sgemmSize: Int = 512

    @Option(help: "Timed samples per measurement (the median is reported).")
    var samples: Int = 5

    @Option(help: "Folder holding the dataset files.")
    var dataDir: String?

    @Flag(help: "Also show where a training step spends its time, per layer and operation.")
    var profile = false

    @Option(help: "Also write the report as JSON to this file.")
    var json: String?

    /// The models named, or every model of the zoo.
    private var chosenModels: [ZooModel] {
        models.isEmpty ? ModelRegistry.names.compactMap(ModelRegistry.model(named:)) : models.map(\.model)
    }

    func validate() throws {
        // A classifier's batch is cut from the 60,000 Fashion-MNIST training images.
        try requireInRange(batchSize, "--batch-size", 1...60_000)
        try requireInRange(hidden, "--hidden", 1...4096)
        try requireInRange(steps, "--steps", 1...10_000)
        try requireInRange(sgemmSize, "--sgemm-size", 1...8192)
        try requirePositive(samples, "--samples")
        try requireInRange(resize, "--resize", 1...maximumSide)
        if let regression = models.first(where: { if case .regression = $0.model { true } else { false } }) {
            throw ValidationError("zoo bench measures classifiers, language models and translators; \(regression.model.name) trains in milliseconds (`zoo run \(regression.model.name)` prints its time).")
        }
        if batchSize == 1 {
            let normalized = chosenModels.compactMap { if case let .classifier(entry) = $0, entry.build().hasBatchNorm { entry.name } else { nil } }
            if !normalized.isEmpty {
                throw ValidationError("batch norm cannot normalize a single example in training (\(normalized.joined(separator: ", "))): give --batch-size 2 or more")
            }
        }
    }

    func run() throws {
        let chosen = chosenModels
        var text = Benchmark.TextSizes()
        text.hidden = hidden
        text.steps = steps
        let report = try reportingErrors {
            try Benchmark.run(models: chosen, batchSize: batchSize, resize: resize, text: text, sgemmSize: sgemmSize, dataDir: dataDir,
                              samples: samples, profile: profile)
        }
        if let json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try reportingErrors { try AtomicFile.write(encoder.encode(report), to: json) }
        }
    }
}
