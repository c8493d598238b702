import Foundation
import Testing
@testable import Harness

/// `zoo bench` end to end: its report, and the memory figures it measures.
@Suite struct BenchCommandTests {
    /// A model's peak memory over its timed training steps is that of its first three steps: a step that
    /// kept anything (a tensor, a graph, a buffer) would grow it over the hundreds of steps timed. Training
    /// takes more than inference (gradients, kept activations), and both hold the weights.
    @Test func trainingStepsDoNotGrowThePeakMemory() throws {
        guard zooBinary != nil else { return }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("zoo-bench-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let images = FileManager.default.fileExists(atPath: "/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz")
        let models = (images ? ["mlp", "lenet-bn"] : []) + ["gru"]
        let (status, process) = try ZooProcess.run(["bench"] + models + ["--hidden", "128", "--samples", "1", "--sgemm-size", "128",
                                                                        "--json", folder + "/bench.json"], in: folder)
        #expect(status == 0, "\(process.standardError)")
        let report = try JSONDecoder().decode(Benchmark.Report.self, from: Data(contentsOf: URL(fileURLWithPath: folder + "/bench.json")))
        #expect(report.models.map(\.model) == models)
        let timeout = ProcessInfo.processInfo.environment["OPENBLAS_THREAD_TIMEOUT"] ?? "4"  // the engine's, unless the user chose one
        #expect(process.standardOutput.contains("train MiB") && process.standardOutput.contains("thread timeout \(timeout))"))
        let weights = ["mlp": 203_530 * 4, "lenet-bn": 44_878 * 4, "gru": (3 * 128 * (28 + 128 + 2) + 28 * 129) * 4]
        for model in report.models {
            let train = try #require(model.trainPeakBytes), warmup = try #require(model.trainPeakBytesAfterWarmup)
            let infer = try #require(model.inferPeakBytes)
            #expect(train <= warmup + max(4 << 20, warmup / 10), "\(model.model): \(warmup) bytes after warm-up, \(train) after the timed steps")
            #expect(infer >= weights[model.model]! && train > infer, "\(model.model): training \(train) bytes, inference \(infer)")
        }
    }
}
