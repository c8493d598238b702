import Datasets
import Engine
import Foundation
import Zoo

/// Training and inference throughput of zoo models, set against OpenBLAS sgemm measured in the same run.
///
/// Absolute times drift on shared machines; the figure to compare is each model's achieved GEMM
/// FLOP/s as a fraction of square sgemm, and examples (or tokens) per second side by side in one run.
public enum Benchmark {
    public struct ModelResult: Codable, Sendable {
        public var model: String
        /// The image side, or the tokens per sequence.
        public var inputSize: Int
        public var batchSize: Int
        /// "ex" (images) or "tok" (tokens): what the per-second figures count (absent in older reports: "ex").
        public var unit: String?
        public var trainExamplesPerSecond: Double
        /// Evaluation-mode forward passes without gradients.
        public var inferExamplesPerSecond: Double?
        /// Multiply-add FLOPs (GEMM and direct convolution) of one training step per example.
        public var flopsPerExample: Double
        public var gflops: Double
        public var fractionOfSgemm: Double
        /// Peak resident bytes a fresh model adds to the process over its timed training steps, and over
        /// its first three (a leak shows as growth between the two); and over inference passes of another
        /// fresh model. Absent where Linux's figures are missing, and from older reports.
        public var trainPeakBytes: Int?
        public var trainPeakBytesAfterWarmup: Int?
        public var inferPeakBytes: Int?
    }

    public struct Report: Codable, Sendable {
        public var sgemmSize: Int
        public var sgemmGFLOPS: Double
        public var models: [ModelResult]
        public var machine: MachineInfo
        public var commandLine: String
        /// The language models' hidden units and window (absent from older reports).
        public var hidden: Int?
        public var steps: Int?
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

    /// What `measure` finds for one model: rates in items per second, the FLOPs of a training step per item,
    /// and peak memory (`ModelResult`).
    struct Measurement {
        var train, infer, flopsPerItem: Double
        var trainPeakBytes, trainPeakBytesAfterWarmup, inferPeakBytes: Int?
    }

    /// Measures the model that `make` builds fresh. A first instance takes a training step and an inference
    /// pass, so that what the process does once (code paged in, threads and their stacks) is not counted;
    /// then the memory of inference passes of a second instance, and on a third the memory and rate of
    /// training steps (three to warm up, one counting FLOPs, then `samples` timed runs of at least `seconds`)
    /// and the rate of inference. Returns the third instance as well.
    static func measure(_ make: () -> BenchmarkCase, samples: Int = 5, seconds: Double = 0.5) -> (BenchmarkCase, Measurement) {
        do { let first = make(); first.train(); first.infer() }
        let inferenceMeter = PeakMemoryMeter()
        do { let fresh = make(); fresh.infer(); fresh.infer() }
        let inferPeak = inferenceMeter.growth

        let trainingMeter = PeakMemoryMeter()
        let item = make()
        for _ in 0..<3 { item.train() }
        let warmupPeak = trainingMeter.growth
        let before = FLOPCounter.count
        item.train()
        let flops = Double(FLOPCounter.count - before) / Double(item.itemsPerStep)
        let train = (0..<samples).map { _ in rate(seconds: seconds) { item.train(); return Double(item.itemsPerStep) } }.median
        let trainPeak = trainingMeter.growth
        item.infer()
        let infer = (0..<samples).map { _ in rate(seconds: seconds) { item.infer(); return Double(item.itemsPerStep) } }.median
        return (item, Measurement(train: train, infer: infer, flopsPerItem: flops, trainPeakBytes: trainPeak,
                                  trainPeakBytesAfterWarmup: warmupPeak, inferPeakBytes: inferPeak))
    }

    /// Where one training step of `item` spends its time, per layer (forward) and operation (backward), and where
    /// an inference pass does.
    static func profileTable(_ item: BenchmarkCase, steps: Int = 20) -> String {
        profile("\(item.name): where a step goes", steps: steps, item.train) + "\n\n"
            + profile("\(item.name): where an inference pass goes", steps: steps, item.infer)
    }

    private static func profile(_ title: String, steps: Int, _ work: () -> Void) -> String {
        work()
        Profiler.reset()
        Profiler.isEnabled = true
        let clock = Stopwatch()
        for _ in 0..<steps { work() }
        let total = clock.seconds
        Profiler.isEnabled = false
        var table = TextTable(header: [title, "ms/step", "share"])
        for entry in Profiler.entries {
            table.add([entry.name, fixed(entry.seconds * 1000 / Double(steps), 2), fixed(entry.seconds / total * 100, 1) + "%"])
        }
        table.add(["whole pass", fixed(total * 1000 / Double(steps), 2), "100.0%"])
        let layers = Profiler.layerEntries
        guard !layers.isEmpty else { return table.rendered }
        var byShape = TextTable(header: ["convolutions by shape (path)", "calls", "forward ms", "GFLOP/s", "backward ms", "GFLOP/s", "share"])
        for (name, totals) in layers {
            func rate(_ flops: Int, _ seconds: Double) -> String { seconds > 0 && flops > 0 ? fixed(Double(flops) / seconds / 1e9, 0) : "-" }
            byShape.add([name, "\(totals.calls / steps)", fixed(totals.forwardSeconds * 1000 / Double(steps), 2),
                         rate(totals.forwardFLOPs, totals.forwardSeconds), fixed(totals.backwardSeconds * 1000 / Double(steps), 2),
                         rate(totals.backwardFLOPs, totals.backwardSeconds),
                         fixed((totals.forwardSeconds + totals.backwardSeconds) / total * 100, 1) + "%"])
        }
        return table.rendered + "\n\n" + byShape.rendered
    }

    /// Repeats `work` (which returns units done) for at least `seconds`; returns units per second.
    static func rate(seconds: Double, _ work: () -> Double) -> Double {
        let clock = Stopwatch()
        var units = 0.0
        repeat { units += work() } while clock.seconds < seconds
        return units / clock.seconds
    }

    /// What `zoo bench` measures besides the models: sizes of the text models' cases.
    public struct TextSizes: Sendable {
        /// Language models: hidden units and tokens per window (the reference script's gru-lm: 256, 35).
        public var hidden = 256, steps = 35
        public init() {}
    }

    /// Benchmarks `models` (image classifiers on real training images resized to `resize` or each model's
    /// training size; text models on random tokens) with sgemm measured before and after them (the two are
    /// averaged), and prints a table. `batchSize` nil: 256 images, 32 windows, 128 sentence pairs.
    public static func run(models: [ZooModel], batchSize: Int?, resize: Int? = nil, text: TextSizes = TextSizes(), sgemmSize: Int = 512,
                           dataDir: String?, samples: Int = 5, profile: Bool = false) throws -> Report {
        let images = models.contains { if case .classifier = $0 { true } else { false } } ? try FashionMNIST.load(split: .train, dataDir: dataDir) : nil
        let before = sgemm(size: sgemmSize, samples: samples)
        var results: [ModelResult] = []
        var profiles: [String] = []
        for model in models {
            let make: () -> BenchmarkCase
            switch model {
            case let .classifier(entry):
                let side = resize ?? entry.trainingSize, batch = batchSize ?? 256
                try entry.requireInputSize(side)
                let fixedBatch = try BatchLoader(images!, batchSize: batch, shuffle: false, resize: side).batch(Array(0..<batch))
                make = { .classifier(entry, batch: fixedBatch) }
            case let .languageModel(entry):
                make = { .languageModel(entry, hidden: text.hidden, steps: text.steps, batch: batchSize ?? 32) }
            case let .translator(entry):
                make = { .translator(entry, batch: batchSize ?? 128) }
            case .regression:
                continue  // a two-weight model: nothing to measure (Bench refuses it by name)
            }
            let (item, measured) = measure(make, samples: samples)
            if profile { profiles.append(profileTable(item)) }
            results.append(ModelResult(model: item.name, inputSize: item.inputSize, batchSize: item.batchSize, unit: item.unit,
                                       trainExamplesPerSecond: measured.train, inferExamplesPerSecond: measured.infer,
                                       flopsPerExample: measured.flopsPerItem, gflops: measured.flopsPerItem * measured.train / 1e9,
                                       fractionOfSgemm: 0, trainPeakBytes: measured.trainPeakBytes,
                                       trainPeakBytesAfterWarmup: measured.trainPeakBytesAfterWarmup, inferPeakBytes: measured.inferPeakBytes))
        }
        let after = sgemm(size: sgemmSize, samples: samples)
        let reference = (before + after) / 2
        for i in results.indices { results[i].fractionOfSgemm = results[i].gflops / reference }

        var table = TextTable(header: ["model", "input", "batch", "unit", "train /s", "infer /s", "MFLOP/unit", "GFLOP/s", "of sgemm",
                                       "train MiB", "infer MiB"])
        for r in results {
            let input = r.unit == "tok" ? "\(r.inputSize) tokens" : "\(r.inputSize)x\(r.inputSize)"
            table.add([r.model, input, String(r.batchSize), r.unit ?? "ex", whole(r.trainExamplesPerSecond), r.inferExamplesPerSecond.map(whole) ?? "",
                       fixed(r.flopsPerExample / 1e6, 2), fixed(r.gflops, 1), fixed(r.fractionOfSgemm * 100, 1) + "%",
                       mebibytes(r.trainPeakBytes), mebibytes(r.inferPeakBytes)])
        }
        print("OpenBLAS sgemm \(sgemmSize)x\(sgemmSize): \(fixed(before, 1)) GFLOP/s before, \(fixed(after, 1)) after "
            + "(\(BLAS.threads) threads, \(BLAS.coreDescription), thread timeout \(BLAS.threadTimeout.map(String.init) ?? "unknown")); "
            + "engine kernels \(KernelLevel.current)")
        print(table.rendered)
        if models.contains(where: { if case .languageModel = $0 { true } else { false } }) {
            print("language models: hidden \(text.hidden), vocabulary 28, SGD lr 1, clip 1; translators: vocabularies 9,794 / 17,386, Adam, clip 1")
        }
        for profile in profiles { print("\n" + profile) }
        return Report(sgemmSize: sgemmSize, sgemmGFLOPS: reference, models: results, machine: .current(),
                      commandLine: CommandLine.arguments.joined(separator: " "), hidden: text.hidden, steps: text.steps)
    }
}
