import Datasets
import Engine
import Foundation
import Zoo

/// Training throughput of zoo models, set against OpenBLAS sgemm measured in the same run.
///
/// Absolute times drift on shared machines; the figure to compare is each model's achieved GEMM
/// FLOP/s as a fraction of square sgemm, and examples/s side by side in one run.
public enum Benchmark {
    public struct ModelResult: Codable, Sendable {
        public var model: String
        public var inputSize: Int
        public var batchSize: Int
        public var trainExamplesPerSecond: Double
        /// Multiply-add FLOPs (GEMM and direct convolution) of one training step per example.
        public var flopsPerExample: Double
        public var gflops: Double
        public var fractionOfSgemm: Double
    }

    public struct Report: Codable, Sendable {
        public var sgemmSize: Int
        public var sgemmGFLOPS: Double
        public var models: [ModelResult]
        public var machine: MachineInfo
        public var commandLine: String
    }

    /// GFLOP/s of n x n sgemm: the median of `samples` timings of at least `seconds` each.
    public static func sgemm(size n: Int = 512, samples: Int = 5, seconds: Double = 0.3) -> Double {
        var generator = RandomGenerator(seed: 1)
        let a = Tensor(shape: [n, n], scalars: (0..<n * n).map { _ in generator.nextUniform() })
        let b = a.copy(), c = Tensor.zeros([n, n])
        BLAS.multiplySquare(a, b, into: c)
        let rates = (0..<samples).map { _ in
            rate(seconds: seconds) { BLAS.multiplySquare(a, b, into: c); return 2 * Double(n * n * n) }
        }
        return rates.median / 1e9
    }

    /// Training examples/s of `entry` on a fixed batch (one full optimizer step per iteration).
    public static func training(_ entry: ModelEntry, batch: Batch, samples: Int = 5, seconds: Double = 0.5) -> (examplesPerSecond: Double, flopsPerExample: Double) {
        let step = trainingStep(entry, batch: batch)
        for _ in 0..<3 { step() }
        let before = FLOPCounter.count
        step()
        let flopsPerExample = Double(FLOPCounter.count - before) / Double(batch.labels.count)
        let rates = (0..<samples).map { _ in rate(seconds: seconds) { step(); return Double(batch.labels.count) } }
        return (rates.median, flopsPerExample)
    }

    /// One full optimizer step of a freshly initialized `entry` on `batch`, as a closure to repeat.
    static func trainingStep(_ entry: ModelEntry, batch: Batch) -> () -> Void {
        let model = Random.withGenerator(seed: 0) {
            let model = entry.build(channels: batch.images.shape[1], classes: 10)
            if let initializer = entry.recipe.initialization { model.initializeWeights(initializer) }
            return model
        }
        let optimizer = SGD(model.parameters, learningRate: 0.01)
        return {
            optimizer.zeroGrad()
            crossEntropy(logits: model(batch.images), targets: batch.labels).backward()
            Profiler.measure("optimizer step") { optimizer.step() }
        }
    }

    /// Where one training step of `entry` spends its time, per layer (forward) and operation (backward).
    static func profileTable(_ entry: ModelEntry, batch: Batch, steps: Int = 20) -> String {
        let step = trainingStep(entry, batch: batch)
        step()
        Profiler.reset()
        Profiler.isEnabled = true
        let clock = Stopwatch()
        for _ in 0..<steps { step() }
        let total = clock.seconds
        Profiler.isEnabled = false
        var table = TextTable(header: ["\(entry.name): where a step goes", "ms/step", "share"])
        for item in Profiler.entries {
            table.add([item.name, fixed(item.seconds * 1000 / Double(steps), 2), fixed(item.seconds / total * 100, 1) + "%"])
        }
        table.add(["whole step", fixed(total * 1000 / Double(steps), 2), "100.0%"])
        return table.rendered
    }

    /// Repeats `work` (which returns units done) for at least `seconds`; returns units per second.
    static func rate(seconds: Double, _ work: () -> Double) -> Double {
        let clock = Stopwatch()
        var units = 0.0
        repeat { units += work() } while clock.seconds < seconds
        return units / clock.seconds
    }

    /// Benchmarks `models` at `batchSize` on real training images (resized to `resize`, or to each
    /// model's training size), with sgemm measured before and after them (the two are averaged), and
    /// prints a table.
    public static func run(models: [ModelEntry], batchSize: Int, resize: Int? = nil, sgemmSize: Int = 512, dataDir: String?,
                           samples: Int = 5, profile: Bool = false) throws -> Report {
        let data = try FashionMNIST.load(split: .train, dataDir: dataDir)
        func batch(side: Int) -> Batch {
            BatchLoader(data, batchSize: batchSize, shuffle: false, resize: side).batch(Array(0..<batchSize))
        }
        let before = sgemm(size: sgemmSize, samples: samples)
        var results: [ModelResult] = []
        var profiles: [String] = []
        for entry in models {
            let side = resize ?? entry.trainingSize
            try entry.requireInputSize(side)
            let batch = batch(side: side)
            let (examplesPerSecond, flops) = training(entry, batch: batch, samples: samples)
            if profile { profiles.append(profileTable(entry, batch: batch)) }
            results.append(ModelResult(model: entry.name, inputSize: side, batchSize: batchSize, trainExamplesPerSecond: examplesPerSecond,
                                       flopsPerExample: flops, gflops: flops * examplesPerSecond / 1e9,
                                       fractionOfSgemm: 0))
        }
        let after = sgemm(size: sgemmSize, samples: samples)
        let reference = (before + after) / 2
        for i in results.indices { results[i].fractionOfSgemm = results[i].gflops / reference }

        var table = TextTable(header: ["model", "input", "batch", "train ex/s", "MFLOP/ex", "GFLOP/s", "of sgemm"])
        for r in results {
            table.add([r.model, "\(r.inputSize)x\(r.inputSize)", String(r.batchSize), whole(r.trainExamplesPerSecond),
                       fixed(r.flopsPerExample / 1e6, 2), fixed(r.gflops, 1), fixed(r.fractionOfSgemm * 100, 1) + "%"])
        }
        print("OpenBLAS sgemm \(sgemmSize)x\(sgemmSize): \(fixed(before, 1)) GFLOP/s before, \(fixed(after, 1)) after "
            + "(\(BLAS.threads) threads, \(BLAS.coreName))")
        print(table.rendered)
        for profile in profiles { print("\n" + profile) }
        return Report(sgemmSize: sgemmSize, sgemmGFLOPS: reference, models: results, machine: .current(),
                      commandLine: CommandLine.arguments.joined(separator: " "))
    }
}
