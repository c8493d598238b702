import Datasets
import Engine
import Testing
@testable import Harness
import Zoo

/// The training loop's bookkeeping, on a tiny in-memory set.
@Suite struct TrainerTests {
    let images = try! ImageClassificationSet(bytes: (0..<8 * 16).map { UInt8($0 % 251) }, labels: [0, 1, 0, 1, 0, 1, 0, 1],
                                             channels: 1, height: 4, width: 4, classNames: ["a", "b"])

    /// `--no-shuffle` order is the file's, every epoch; shuffled orders are permutations that change per epoch.
    @Test func shufflingIsOptionalAndSeeded() throws {
        let fixed = BatchLoader(images, batchSize: 4, shuffle: false)
        #expect(fixed.order(epoch: 1) == Array(0..<8) && fixed.order(epoch: 2) == Array(0..<8))
        #expect(try fixed.epoch(1).all().flatMap(\.labels) == [0, 1, 0, 1, 0, 1, 0, 1])
        let shuffled = BatchLoader(images, batchSize: 4, shuffle: true, seed: 3)
        #expect(shuffled.order(epoch: 1).sorted() == Array(0..<8) && shuffled.order(epoch: 1) != shuffled.order(epoch: 2))
        #expect(shuffled.order(epoch: 1) == BatchLoader(images, batchSize: 4, shuffle: true, seed: 3).order(epoch: 1))
    }

    /// A resumed run's plateau reducer has seen the finished epochs: three flat losses with patience 0
    /// halve the rate twice before the fourth epoch starts.
    @Test func resumedPlateauRemembersTheFinishedEpochs() throws {
        var recipe = Recipe(learningRate: 0.1, epochs: 4, batchSize: 4, initialization: nil)
        recipe.plateau = PlateauReducer(factor: 0.5, patience: 0)
        let done = (1...3).map {
            EpochMetrics(epoch: $0, trainLoss: 1, trainAccuracy: 0.5, testAccuracy: 0.5, trainExamplesPerSecond: 1,
                         evalExamplesPerSecond: 1, wallSeconds: 1)
        }
        let model = Random.withGenerator(seed: 0) { Sequential(Flatten(), Linear(16, 2)) }
        let optimizer = recipe.makeOptimizer(for: model.parameters)
        let loader = BatchLoader(images, batchSize: 4, shuffle: false)
        let history = try Trainer(recipe: recipe).train(model, optimizer: optimizer, on: loader,
                                                                  evaluatingOn: loader, after: done)
        #expect(history.count == 4 && history.last?.epoch == 4)
        #expect(optimizer.learningRate == 0.025)
    }

    /// With `--schedule-unit batch` the rate changes before every batch: halving per step over two epochs
    /// of two batches ends at 0.1 x 0.5^3; Noam warms up and decays per batch, resumed mid-run alike.
    @Test func schedulesStepPerBatchWhenAsked() throws {
        var recipe = Recipe(learningRate: 0.1, epochs: 2, batchSize: 4, initialization: nil)
        recipe.schedule = .step(every: 1, gamma: 0.5)
        recipe.scheduleUnit = .batch
        let model = Random.withGenerator(seed: 0) { Sequential(Flatten(), Linear(16, 2)) }
        let optimizer = recipe.makeOptimizer(for: model.parameters)
        let loader = BatchLoader(images, batchSize: 4, shuffle: false)
        _ = try Trainer(recipe: recipe).train(model, optimizer: optimizer, on: loader, evaluatingOn: loader)
        #expect(abs(optimizer.learningRate - 0.1 * 0.125) < 1e-8)
        recipe.scheduleUnit = .epoch
        let perEpoch = recipe.makeOptimizer(for: model.parameters)
        _ = try Trainer(recipe: recipe).train(model, optimizer: perEpoch, on: loader, evaluatingOn: loader)
        #expect(abs(perEpoch.learningRate - 0.1 * 0.5) < 1e-8)
    }

    /// A loss that grows a millionfold over the first stops the run with a clear error though it stays finite
    /// (w^2 at SGD rate 50: w <- -99 w, the loss x9,801 a step: 1, 9,801, 9.6e7).
    @Test func aLossThatExplodesStopsTheRun() throws {
        struct Square: TrainingTask {
            var trainingBatchCount: Int { 1 }
            func trainingBatches(epoch: Int, from first: Int, share: Share) -> Batches<Int?> { Batches(from: first, to: 1) { _ in epoch } }
            func loss(of model: Module, on batch: Int, tally: inout TrainingTally) -> Tensor {
                let loss = (model.parameters[0] * model.parameters[0]).sum()
                tally.add(predictions: [0], labels: [0], meanLoss: loss.item)
                return loss
            }
            func heldOutSums(_ model: Module, share: Share) -> HeldOutSums { HeldOutSums(["testAccuracy": 0], count: 1) }
            func heldOutMetrics(_ sums: HeldOutSums) -> (metrics: [String: Double], count: Int) { sums.asMeasured }
        }
        let model = Linear(1, 1, bias: false)
        model.weight.data[0] = 1
        let error = #expect(throws: TrainingError.self) {
            try Trainer(recipe: Recipe(learningRate: 50, epochs: 5, batchSize: 1, initialization: nil)).train(model, task: Square())
        }
        #expect(error?.description.hasPrefix("The training loss grew from 1 to 9.61e+07 by epoch 3, batch 1: training diverged") == true,
                "\(String(describing: error))")
    }
}
