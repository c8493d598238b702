import Datasets
import Engine
import Foundation
import Testing
@testable import Harness
import Zoo

/// Processes simulated by threads of this one: every collective operation is an exchange of each thread's
/// value through shared slots between two barriers.
final class ThreadGroup: @unchecked Sendable {
    let size: Int
    private let condition = NSCondition()
    private var slots: [Any?], arrived = 0, generation = 0

    init(size: Int) { (self.size, slots) = (size, Array(repeating: nil, count: size)) }

    /// Every thread's `value`, by rank, once all have given theirs.
    func exchange<T>(_ rank: Int, _ value: T) -> [T] {
        slots[rank] = value
        barrier()
        let all = slots.map { $0 as! T }
        barrier()
        return all
    }

    private func barrier() {
        condition.lock()
        defer { condition.unlock() }
        let mine = generation
        arrived += 1
        if arrived == size {
            (arrived, generation) = (0, generation + 1)
            condition.broadcast()
        } else {
            while generation == mine { condition.wait() }
        }
    }
}

final class ThreadCollective: Collective, @unchecked Sendable {
    let rank: Int, group: ThreadGroup
    var size: Int { group.size }

    init(rank: Int, group: ThreadGroup) { (self.rank, self.group) = (rank, group) }

    func sum(_ values: UnsafeMutableBufferPointer<Float>) {
        let all = group.exchange(rank, Array(values))
        for i in values.indices { values[i] = all.dropFirst().reduce(all[0][i]) { $0 + $1[i] } }
    }

    func sum(_ values: inout [Double]) {
        let all = group.exchange(rank, values)
        values = values.indices.map { i in all.dropFirst().reduce(all[0][i]) { $0 + $1[i] } }
    }

    func broadcast(_ values: UnsafeMutableBufferPointer<Float>) {
        let first = group.exchange(rank, Array(values))[0]
        for i in values.indices { values[i] = first[i] }
    }

    func broadcast(_ bytes: [UInt8]) -> [UInt8] { group.exchange(rank, bytes)[0] }
    func gather(_ text: String) -> [String] { group.exchange(rank, text) }
}

/// Data parallelism's bookkeeping: shares of batches, held-out sums, and the training loop with
/// processes simulated by threads against one process.
@Suite struct DataParallelTrainingTests {
    /// Nine images: with batches of four, the last batch has one example, so one of two processes has none.
    let images = try! ImageClassificationSet(bytes: (0..<9 * 16).map { UInt8($0 * 37 % 251) }, labels: [0, 1, 1, 0, 1, 0, 0, 1, 1],
                                             channels: 1, height: 4, width: 4, classNames: ["a", "b"])

    /// The shares of any count are disjoint, in order, and cover it; a share of fewer examples than parts may be empty.
    @Test func sharesTileEveryBatch() {
        for parts in 1...5 {
            for count in 0...23 {
                let slices = (0..<parts).map { Share(part: $0, parts: parts).slice(of: count) }
                #expect(slices.flatMap { Array($0) } == Array(0..<count))
                #expect(slices.map(\.count).max()! - slices.map(\.count).min()! <= 1)
            }
        }
        #expect(Share(part: 0, parts: 2).taking([7]) == nil && Share(part: 1, parts: 2).taking([7]).map(Array.init) == [7])
    }

    /// Across processes, each example of every batch is used exactly once per epoch, in a single run's order,
    /// for image batches and for numbered examples (a language model's windows).
    @Test func sharedBatchesAreTheWholeBatchesSplit() throws {
        let loader = BatchLoader(images, batchSize: 4, shuffle: true, seed: 5)
        let whole = try loader.epoch(2).all()
        let shares = try (0..<3).map { try loader.epoch(2, share: Share(part: $0, parts: 3)).all() }
        for (number, batch) in whole.enumerated() {
            #expect(shares.flatMap { $0[number]?.labels ?? [] } == batch.labels)
            #expect(shares.flatMap { $0[number]?.images.scalars ?? [] } == batch.images.scalars)
        }
        let windows = try LanguageModelWindows(tokens: (0..<200).map { Int32($0 % 17) }, steps: 5, trainCount: 50, heldOutCount: 20, source: "test")
        let task = LanguageModelTask(windows: windows, batchSize: 6, seed: 1)
        let batches = try task.trainingBatches(epoch: 1, from: 0).all()
        let halves = try (0..<2).map { try task.trainingBatches(epoch: 1, from: 0, share: Share(part: $0, parts: 2)).all() }
        for (number, batch) in batches.enumerated() {
            #expect(halves.map { $0[number]!.windows }.reduce(0, +) == batch.windows)
            let firstTokens = halves.flatMap { half in (0..<half[number]!.windows).map { half[number]!.inputs[$0] } }
            #expect(firstTokens == (0..<batch.windows).map { batch.inputs[$0] })
        }
    }

    /// Held-out sums travel between processes as text, not-a-number and infinity included, and add key by key.
    @Test func heldOutSumsRoundTripAndAdd() {
        let sums = HeldOutSums(["lossSum": .nan, "testCorrect": 12, "big": .infinity, "x y": -0.1], count: 40)
        let back = HeldOutSums(decoding: sums.encoded)
        #expect(back.count == 40 && back.values["testCorrect"] == 12 && back.values["big"] == .infinity && back.values["x y"] == -0.1)
        #expect(back.values["lossSum"]!.isNaN)
        let added = HeldOutSums(["a": 1], count: 2) + HeldOutSums(["a": 2, "b": 5], count: 3)
        #expect(added == HeldOutSums(["a": 3, "b": 5], count: 5))
    }

    /// Trains a model from `build` (seed 11) with `processes` threads as processes, each with its own model
    /// (those of processes other than 0 start from other weights) and task; their histories and models.
    func trainInThreads(_ processes: Int, recipe: Recipe, synchronizingBatchNorm: Bool = false, build: @escaping () -> Module,
                        task: @escaping () -> ClassificationTask) throws -> [(history: [EpochMetrics], model: Module)] {
        final class Results: @unchecked Sendable {
            let lock = NSLock()
            var histories: [[EpochMetrics]?]
            init(_ count: Int) { histories = Array(repeating: nil, count: count) }
        }
        let group = ThreadGroup(size: processes), results = Results(processes)
        let models = (0..<processes).map { _ in Random.withGenerator(seed: 11, build) }
        for other in models.dropFirst() { for p in other.parameters { p.data.update(repeating: 0.01, count: p.count) } }
        nonisolated(unsafe) let shared = (models, (0..<processes).map { _ in task() })
        let threads = (0..<processes).map { rank in
            Thread {
                var trainer = Trainer(recipe: recipe)
                trainer.collective = ThreadCollective(rank: rank, group: group)
                trainer.synchronizesBatchNorm = synchronizingBatchNorm
                // A generator of each thread's own: the process-wide one belongs to the tests running alongside.
                let history = Random.withGenerator(seed: UInt64(rank)) { (try? trainer.train(shared.0[rank], task: shared.1[rank])) ?? [] }
                results.lock.withLock { results.histories[rank] = history }
            }
        }
        threads.forEach { $0.stackSize = 8 << 20; $0.start() }
        while results.lock.withLock({ results.histories.contains { $0 == nil } }) { usleep(1000) }
        return zip(results.histories, models).map { ($0!, $1) }
    }

    /// Each process's history and weights against one process's.
    func expectSame(_ processes: [(history: [EpochMetrics], model: Module)], as reference: [EpochMetrics], _ alone: Module,
                    tolerance: Float = 1e-5) {
        for (rank, (history, model)) in processes.enumerated() {
            #expect(history.count == reference.count, "process \(rank) trained every epoch")
            for (a, b) in zip(history, reference) {
                #expect(abs(a.trainLoss - b.trainLoss) < Double(tolerance) && a.trainAccuracy == b.trainAccuracy, "process \(rank)")
                #expect(a.testAccuracy == b.testAccuracy)
            }
            for ((name, p), (_, q)) in zip(model.stateDictionary(), alone.stateDictionary()) {
                #expect(zip(p.scalars, q.scalars).allSatisfy { abs($0 - $1) < tolerance }, "process \(rank): \(name)")
            }
        }
    }

    func task(batchSize: Int, limit: Int? = nil) -> ClassificationTask {
        ClassificationTask(training: BatchLoader(images, batchSize: batchSize, shuffle: true, seed: 2, limit: limit),
                           test: BatchLoader(images, batchSize: 4, shuffle: false))
    }

    /// Two (and three) threads sharing every batch train to one process's weights and metrics: gradients
    /// weighed by each share's examples (the last batch's single example goes to one process), held-out
    /// accuracy added up from shares, and every process ends with the same weights.
    @Test(arguments: [2, 3]) func simulatedProcessesTrainAsOneDoes(processes: Int) throws {
        let recipe = Recipe(learningRate: 0.5, epochs: 3, batchSize: processes == 2 ? 4 : 6, initialization: nil)
        let build = { Sequential(Flatten(), Linear(16, 8), ReLU(), Linear(8, 2)) as Module }
        let alone = Random.withGenerator(seed: 11, build)
        let reference = try Trainer(recipe: recipe).train(alone, task: task(batchSize: recipe.batchSize))
        expectSame(try trainInThreads(processes, recipe: recipe, build: build) { task(batchSize: recipe.batchSize) }, as: reference, alone)
    }

    /// Synchronized batch norm normalizes by the whole batch's statistics, so two processes train a
    /// batch-norm network to one process's weights and running statistics; unsynchronized, each process's
    /// share has statistics of its own and the weights differ.
    @Test func synchronizedBatchNormTrainsAsOneProcessDoes() throws {
        let recipe = Recipe(learningRate: 0.2, epochs: 2, batchSize: 4, initialization: nil)
        let build = { Sequential(Conv2d(1, 3, kernel: 3, padding: 1), BatchNorm(3), ReLU(), Flatten(), Linear(48, 2)) as Module }
        let alone = Random.withGenerator(seed: 11, build)
        // Eight images: every batch gives both processes examples, as synchronized batch norm needs.
        let reference = try Trainer(recipe: recipe).train(alone, task: task(batchSize: 4, limit: 8))
        expectSame(try trainInThreads(2, recipe: recipe, synchronizingBatchNorm: true, build: build) { task(batchSize: 4, limit: 8) },
                   as: reference, alone)
        let unsynchronized = try trainInThreads(2, recipe: recipe, build: build) { task(batchSize: 4, limit: 8) }
        let weights = unsynchronized[0].model.parameters.flatMap(\.scalars)
        #expect(zip(weights, alone.parameters.flatMap(\.scalars)).contains { abs($0 - $1) > 1e-3 })
    }

    /// A parameter that no process has a gradient for keeps none after the exchange (the optimizer leaves it
    /// alone, as in a single run); one that some process has is the examples-weighted mean.
    @Test func parametersWithoutGradientsKeepNone() {
        let used = Tensor(shape: [2], scalars: [1, 2]), unused = Tensor(shape: [3], scalars: [0, 0, 0])
        used.grad = Tensor(shape: [2], scalars: [0.5, -1])
        let step = DataParallelStep(parameters: [used, unused], collective: ThreadCollective(rank: 0, group: ThreadGroup(size: 1)))
        var tally = TrainingTally()
        tally.add(predictions: [1, 0, 1], labels: [1, 1, 1], meanLoss: 2)
        let whole = step.exchange(tally)
        #expect(whole == tally && unused.grad == nil && used.grad?.scalars == [0.5, -1])
    }
}
