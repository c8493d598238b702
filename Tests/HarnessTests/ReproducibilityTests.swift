import Datasets
import Engine
import Foundation
import Testing
@testable import Harness
import Zoo

/// The same seed gives the same bits, and a run stopped inside an epoch and resumed from what its
/// checkpoint holds ends exactly where the uninterrupted run ends.
@Suite struct ReproducibilityTests {
    /// 96 images of 1x8x8 whose class is the brighter half (left or right).
    let images: ImageClassificationSet = {
        var generator = RandomGenerator(seed: 11)
        var pixels: [UInt8] = [], labels: [Int32] = []
        for index in 0..<96 {
            let label = Int32(index % 2)
            for _ in 0..<8 { for column in 0..<8 {
                let bright = (column < 4) == (label == 0)
                pixels.append(UInt8(Float(bright ? 120 : 20) + 100 * generator.nextUniform()))
            } }
            labels.append(label)
        }
        return try! ImageClassificationSet(bytes: pixels, labels: labels, channels: 1, height: 8, width: 8, classNames: ["l", "r"])
    }()

    /// A CNN with batch norm and dropout: both draw on or keep state that a checkpoint must carry.
    func model() -> Sequential {
        Sequential(Conv2d(1, 4, kernel: 3, padding: 1), BatchNorm2d(4), ReLU(), MaxPool2d(2, stride: 2),
                   Flatten(), Dropout(0.3), Linear(64, 2))
    }

    let recipe: Recipe = {
        var recipe = Recipe(learningRate: 0.05, epochs: 3, batchSize: 16, initialization: .xavierUniform())
        recipe.momentum = 0.9
        return recipe
    }()

    /// Trains from seed `seed`; returns the history and the final state_dict's values.
    func train(seed: UInt64) throws -> ([EpochMetrics], [[Float]]) {
        try Random.withGenerator(seed: seed) {
            let network = model()
            network.initializeWeights(recipe.initialization!)
            let loader = BatchLoader(images, batchSize: recipe.batchSize, shuffle: true, seed: seed)
            let history = try Trainer(recipe: recipe).train(network, on: loader, evaluatingOn: loader)
            return (history, network.stateDictionary().map(\.1.scalars))
        }
    }

    @Test func theSameSeedGivesTheSameBits() throws {
        let (first, firstWeights) = try train(seed: 3)
        let (second, secondWeights) = try train(seed: 3)
        let (other, otherWeights) = try train(seed: 4)
        #expect(firstWeights == secondWeights)
        #expect(first.map(\.trainLoss) == second.map(\.trainLoss) && first.map(\.testAccuracy) == second.map(\.testAccuracy))
        #expect(firstWeights != otherWeights && first.map(\.trainLoss) != other.map(\.trainLoss))
    }

    /// What a checkpoint holds, kept in memory.
    struct Saved {
        var history: [EpochMetrics], progress: EpochProgress?
        var weights: [String: Tensor], optimizer: [String: Tensor], random: RandomGenerator
    }

    /// Stops at batch 3 of epoch 2 (of 6), as Ctrl-C would, then resumes from the mid-epoch checkpoint
    /// into a fresh model and optimizer; also checkpoints every 4 steps on the way.
    @Test func aRunStoppedInsideAnEpochResumesExactly() throws {
        let (straight, straightWeights) = try train(seed: 5)
        let loader = BatchLoader(images, batchSize: recipe.batchSize, shuffle: true, seed: 5)
        var saved: [Saved] = []
        func trainer(for network: Module, stopAt stop: (epoch: Int, batch: Int)?) -> Trainer {
            var trainer = Trainer(recipe: recipe)
            trainer.checkpointEvery = 4
            var step = (epoch: 1, batch: 0)
            trainer.onBatch = { epoch, batch, _, _, _, _ in step = (epoch, batch) }
            trainer.stopSignal = { stop.map { $0 == step } == true ? SIGINT : nil }
            trainer.checkpoint = { history, progress, optimizer in
                saved.append(Saved(history: history, progress: progress, weights: Dictionary(uniqueKeysWithValues:
                    network.stateDictionary().map { ($0.0, $0.1.copy()) }), optimizer: Dictionary(uniqueKeysWithValues: optimizer.state.map { ($0.0, $0.1.copy()) }),
                    random: Random.global))
            }
            return trainer
        }
        let resumed: [EpochMetrics] = try Random.withGenerator(seed: 5) {
            let first = model()
            first.initializeWeights(recipe.initialization!)
            let error = #expect(throws: TrainingError.self) {
                try trainer(for: first, stopAt: (2, 3)).train(first, on: loader, evaluatingOn: loader)
            }
            #expect(error?.description.contains("stopped by Ctrl-C after batch 3 of epoch 2") == true)
            // Checkpoints: batch 4 of epoch 1, the end of epoch 1, and the stop at batch 3 of epoch 2.
            #expect(saved.map { $0.progress.map { [$0.epoch, $0.batches] } ?? [$0.history.count] } == [[1, 4], [1], [2, 3]])
            let last = try #require(saved.last)
            let second = Random.withGenerator(seed: 99) { model() }  // other weights, all overwritten
            try second.load(stateDictionary: last.weights)
            let optimizer = recipe.makeOptimizer(for: second.parameters)
            try optimizer.load(state: last.optimizer)
            Random.global = last.random
            return try trainer(for: second, stopAt: nil).train(second, optimizer: optimizer, on: loader, evaluatingOn: loader,
                                                                after: last.history, resuming: last.progress)
        }
        #expect(resumed.map(\.trainLoss) == straight.map(\.trainLoss))
        #expect(resumed.map(\.trainAccuracy) == straight.map(\.trainAccuracy))
        #expect(resumed.map(\.testAccuracy) == straight.map(\.testAccuracy))
        let final = try #require(saved.last)  // the resumed run's last epoch end
        #expect(final.progress == nil && final.history.count == 3)
        #expect(model().stateDictionary().map(\.0).map { final.weights[$0]!.scalars } == straightWeights)
    }
}
