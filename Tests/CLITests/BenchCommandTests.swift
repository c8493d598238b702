import Foundation
import Testing
@testable import Harness

/// `zoo bench` end to end: its report, the memory figures it measures, and OpenBLAS's idle spin.
@Suite(.enabled(if: zooBinary != nil && ResidentMemory.resetPeak(), "needs the zoo binary beside the tests and Linux's peak-memory reset"))
struct BenchCommandTests {
    /// A model's peak memory over its timed training steps is that of its first three steps: a step that
    /// kept anything (a tensor, a graph, a buffer) would grow it over the hundreds of steps timed. Both
    /// figures hold at least the weights, and training at least what inference takes.
    @Test func trainingStepsDoNotGrowThePeakMemory() throws {
        let folder = try makeTemporaryFolder("zoo-bench")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let models = (fashionMNISTInstalled ? ["mlp", "lenet-bn"] : []) + ["gru"]
        let (status, process) = try ZooProcess.run(["bench"] + models + ["--hidden", "128", "--samples", "1", "--sgemm-size", "128",
                                                                        "--json", folder + "/bench.json"], in: folder)
        #expect(status == 0, "\(process.standardError)")
        let report = try JSONDecoder().decode(Benchmark.Report.self, from: Data(contentsOf: URL(fileURLWithPath: folder + "/bench.json")))
        #expect(report.models.map(\.model) == models && report.hidden == 128)
        #expect(process.standardOutput.contains("train MiB"))
        let weights = ["mlp": 203_530 * 4, "lenet-bn": 44_878 * 4, "gru": (3 * 128 * (28 + 128 + 2) + 28 * 129) * 4]
        for model in report.models {
            let train = try #require(model.trainPeakBytes), warmup = try #require(model.trainPeakBytesAfterWarmup)
            let infer = try #require(model.inferPeakBytes)
            #expect(train <= warmup + max(4 << 20, warmup / 10), "\(model.model): \(warmup) bytes after warm-up, \(train) after the timed steps")
            #expect(infer >= weights[model.model]! && train >= infer, "\(model.model): training \(train) bytes, inference \(infer)")
        }
    }

    /// `--profile` adds a table of the convolutions by shape and path: LeNet's two, once per step each, with the
    /// forward and backward rates of the FLOPs they counted.
    @Test(.enabled(if: fashionMNISTInstalled)) func profileShowsConvolutionsByShape() throws {
        let folder = try makeTemporaryFolder("zoo-bench")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let (status, process) = try ZooProcess.run(["bench", "lenet", "--batch-size", "16", "--samples", "1", "--sgemm-size", "64",
                                                    "--profile"], in: folder)
        #expect(status == 0, "\(process.standardError)")
        let lines = process.standardOutput.split(separator: "\n")
        #expect(lines.filter { $0.hasPrefix("convolutions by shape (path)") }.count == 2, "a table for training and one for inference")
        for shape in ["conv 1->6 5x5 stride 1 pad 2 on 28x28 (direct)", "conv 6->16 5x5 stride 1 pad 0 on 14x14 (direct)"] {
            let rows = lines.filter { $0.hasPrefix(shape) }.map { $0.dropFirst(shape.count).split(separator: " ") }
            #expect(rows.count == 2, "\(shape): \(process.standardOutput)")
            guard let training = rows.first, training.count == 6 else { continue }
            #expect(training[0] == "1" && Double(training[2]).map { $0 > 0 } == true && Double(training[4]).map { $0 > 0 } == true,
                    "\(shape): calls, forward and backward GFLOP/s in \(training)")
        }
    }

    /// A convolution counts its definition's FLOPs on every path: ResNet-18 at 28x28 takes the lowered path on its 2x2
    /// and 1x1 maps at batch 2 and the small-map path, which leaves out the padding's products, at batch 128; its
    /// FLOPs per image are the same.
    @Test(.enabled(if: fashionMNISTInstalled)) func convolutionsCountTheirDefinitionsFLOPsOnEveryPath() throws {
        let folder = try makeTemporaryFolder("zoo-bench")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let counts = try [2, 128].map { batch in
            let (status, process) = try ZooProcess.run(["bench", "resnet18", "--batch-size", "\(batch)", "--samples", "1",
                                                        "--sgemm-size", "64", "--json", "b\(batch).json"], in: folder)
            #expect(status == 0, "\(process.standardError)")
            let data = try Data(contentsOf: URL(fileURLWithPath: folder + "/b\(batch).json"))
            return try #require(try JSONDecoder().decode(Benchmark.Report.self, from: data).models.first).flopsPerExample
        }
        #expect(counts[0] > 0 && abs(counts[0] - counts[1]) <= 1e-9 * counts[0], "FLOPs per image at batch 2 and 128: \(counts)")
    }

    /// zoo has OpenBLAS's idle threads spin 2^4 cycles unless the user chose a value, which stays in force
    /// (clamped to OpenBLAS's 4-30).
    @Test(arguments: [(nil, "4"), ("10", "10"), ("1", "4")] as [(String?, String)])
    func openBLASTakesTheSpinInForce(chosen: String?, expected: String) throws {
        let folder = try makeTemporaryFolder("zoo-bench")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var environment = ProcessInfo.processInfo.environment
        environment["OPENBLAS_THREAD_TIMEOUT"] = chosen
        let process = try ZooProcess(["bench", "rnn", "--hidden", "16", "--samples", "1", "--sgemm-size", "64", "--json", "b.json"],
                                     in: folder, environment: environment)
        #expect(process.wait() == 0, "\(process.standardError)")
        #expect(process.standardOutput.contains("thread timeout \(expected))"), "\(process.standardOutput.prefix(200))")
        let report = try JSONDecoder().decode(Benchmark.Report.self, from: Data(contentsOf: URL(fileURLWithPath: folder + "/b.json")))
        #expect(report.machine.blasThreadTimeout == Int(expected))
    }
}
