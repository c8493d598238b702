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
}
