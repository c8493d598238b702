import ArgumentParser
import Engine
import Foundation
import Harness
import Zoo

struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure training throughput of models against OpenBLAS sgemm in the same run.",
        discussion: "Each model takes full optimizer steps on a fixed batch of Fashion-MNIST images. "
            + "Compare the 'of sgemm' column and ratios within one run: absolute speeds drift on shared machines.")

    @Argument(help: "Models to measure (default: all).")
    var models: [ModelName] = []

    @Option(help: "Batch size of each training step.")
    var batchSize: Int = 256

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

    func validate() throws {
        try requirePositive(batchSize, "--batch-size")
        try requireInRange(sgemmSize, "--sgemm-size", 1...8192)
        try requirePositive(samples, "--samples")
        try requireInRange(resize, "--resize", 1...maximumSide)
    }

    func run() throws {
        let entries = models.isEmpty ? ModelRegistry.all : try models.map { try $0.classifier(for: "bench") }
        let report = try reportingErrors {
            try Benchmark.run(models: entries, batchSize: batchSize, resize: resize, sgemmSize: sgemmSize, dataDir: dataDir, samples: samples,
                              profile: profile)
        }
        if let json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try reportingErrors { try AtomicFile.write(encoder.encode(report), to: json) }
        }
    }
}
