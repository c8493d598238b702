import Datasets
import Engine
import Testing
@testable import Harness
import Zoo

/// Early stopping and the L1 penalty in the training loop.
@Suite struct EarlyStoppingTests {
    /// A task whose one parameter moves by 1 each step and whose validation metric follows a script.
    struct ScriptedTask: TrainingTask {
        let scores: [Double]
        let counter = Counter()
        final class Counter { var epochs = 0 }

        var trainingBatchCount: Int { 1 }
        func trainingBatches(epoch: Int, from first: Int, share: Share) -> Batches<Int?> { Batches(from: first, to: 1) { _ in epoch } }
        func loss(of model: Module, on batch: Int, tally: inout TrainingTally) -> Tensor {
            tally.add(predictions: [0], labels: [0], meanLoss: 1)
            return (model.parameters[0] * -1).sum()  // SGD at lr 1 adds 1 to every weight each step
        }
        func heldOutSums(_ model: Module, share: Share) -> HeldOutSums {
            counter.epochs += 1
            return HeldOutSums(["validationAccuracy": scores[counter.epochs - 1], "testAccuracy": 0], count: 1)
        }
        func heldOutMetrics(_ sums: HeldOutSums) -> (metrics: [String: Double], count: Int) { sums.asMeasured }
    }

    /// Scores 0.5, 0.6, 0.55, 0.58, 0.7 with patience 2: epoch 2 stays best through epochs 3 and 4, so
    /// training stops after epoch 4 and the weights go back to epoch 2's (two steps from the start).
    @Test func trainingStopsAfterPatienceAndKeepsTheBestWeights() throws {
        let model = Linear(1, 1, bias: false)
        model.weight.data[0] = 0
        var trainer = Trainer(recipe: Recipe(learningRate: 1, epochs: 5, batchSize: 1, initialization: nil))
        trainer.earlyStopping = ("validationAccuracy", 2)
        let history = try trainer.train(model, task: ScriptedTask(scores: [0.5, 0.6, 0.55, 0.58, 0.7]))
        #expect(history.count == 4 && Trainer.bestEpoch(of: history, metric: "validationAccuracy")?.epoch == 2)
        #expect(model.weight.data[0] == 2)

        let patient = Linear(1, 1, bias: false)
        patient.weight.data[0] = 0
        trainer.earlyStopping = ("validationAccuracy", 3)
        #expect(try trainer.train(patient, task: ScriptedTask(scores: [0.5, 0.6, 0.55, 0.58, 0.7])).count == 5 && patient.weight.data[0] == 5)
    }

    @Test func theL1PenaltyHasItsGradientAndShrinksWeights() throws {
        let a = Tensor(shape: [2, 2], scalars: [1.5, -2, 0.25, -0.5]), b = Tensor(shape: [3], scalars: [3, 0, -1])
        a.requiresGrad = true
        b.requiresGrad = true
        let norm = l1Norm([a, b])
        #expect(norm.item == 8.25)
        (norm * 2).backward()
        #expect(a.grad?.scalars == [2, -2, 2, -2] && b.grad?.scalars == [2, 0, -2])

        let images = try ImageClassificationSet(bytes: (0..<64 * 16).map { UInt8($0 * 37 % 251) }, labels: (0..<64).map { Int32($0 % 2) },
                                                channels: 1, height: 4, width: 4, classNames: ["a", "b"])
        func trainedWeightSum(l1: Float) throws -> Float {
            var recipe = Recipe(learningRate: 0.5, epochs: 5, batchSize: 8, initialization: nil)
            recipe.l1 = l1
            let model = Random.withGenerator(seed: 0) { Sequential(Flatten(), Linear(16, 2)) }
            let loader = BatchLoader(images, batchSize: 8, shuffle: false)
            _ = try Trainer(recipe: recipe).train(model, on: loader, evaluatingOn: loader)
            return l1Norm([model.parameters[0]]).item
        }
        #expect(try trainedWeightSum(l1: 0.05) < 0.8 * trainedWeightSum(l1: 0))
        // A penalty that blows the weights up is named beside the learning rate.
        #expect { try trainedWeightSum(l1: 3e38) } throws: { "\($0)".contains("or --l1") }
    }
}
