import Datasets
import Engine
import Zoo

/// The training loop for image classifiers: SGD on cross-entropy, then evaluation on the test set,
/// once per epoch (d2l's `train_ch6`).
public struct ClassifierTrainer {
    public let recipe: Recipe
    /// Called with each finished epoch's metrics.
    public var onEpoch: (EpochMetrics) -> Void = { _ in }
    /// Called after each epoch with the history so far and the optimizer (to write a checkpoint).
    public var afterEpoch: (_ history: [EpochMetrics], _ optimizer: Optimizer) throws -> Void = { _, _ in }
    /// Called after each training batch with (epoch, batch index, batches, running tally).
    var onBatch: (_ epoch: Int, _ batch: Int, _ batches: Int, _ loss: Double, _ accuracy: Double, _ examplesPerSecond: Double) -> Void = { _, _, _, _, _, _ in }

    public init(recipe: Recipe) { self.recipe = recipe }

    /// Trains `model` for the recipe's epochs and returns each epoch's metrics. To resume, pass the
    /// optimizer (with its restored state) and the epochs already done: training goes on after them.
    public func train(_ model: Module, optimizer: Optimizer? = nil, on training: BatchLoader,
                      evaluatingOn test: BatchLoader, after done: [EpochMetrics] = []) throws -> [EpochMetrics] {
        let parameters = model.parameters
        let optimizer = optimizer ?? recipe.makeOptimizer(for: parameters)
        var plateau = recipe.plateau
        var plateauScale: Float = 1
        // A resumed run's reducer sees the finished epochs' losses again: it decides from them alone.
        for metrics in done where plateau != nil { plateauScale = plateau!.observe(loss: metrics.trainLoss) }
        var history = done
        for epoch in (done.count + 1)..<(recipe.epochs + 1) {
            optimizer.learningRate = recipe.learningRate * recipe.schedule.factor(epoch: epoch - 1, of: recipe.epochs) * plateauScale
            let wall = Stopwatch()
            model.train()
            var tally = ClassificationTally()
            var trainSeconds = 0.0
            for (index, batch) in training.epoch(epoch).enumerated() {
                let step = Stopwatch()
                optimizer.zeroGrad()
                let logits = model(batch.images)
                let loss = crossEntropy(logits: logits, targets: batch.labels)
                guard loss.item.isFinite else {
                    throw TrainingError.nonFiniteLoss(epoch: epoch, batch: index + 1, learningRate: optimizer.learningRate)
                }
                loss.backward()
                if let clip = recipe.gradientClip { clipGradientNorm(parameters, maximumNorm: clip) }
                optimizer.step()
                trainSeconds += step.seconds
                tally.add(predictions: logits.argmax(axis: 1), labels: batch.labels, meanLoss: loss.item)
                onBatch(epoch, index + 1, training.batchCount, tally.meanLoss, tally.accuracy,
                        Double(tally.examples) / trainSeconds)
            }
            let evaluation = Stopwatch()
            let testAccuracy = ClassifierTrainer.accuracy(of: model, on: test)
            let metrics = EpochMetrics(
                epoch: epoch, trainLoss: tally.meanLoss, trainAccuracy: tally.accuracy, testAccuracy: testAccuracy,
                trainExamplesPerSecond: Double(tally.examples) / trainSeconds,
                evalExamplesPerSecond: Double(test.count) / evaluation.seconds, wallSeconds: wall.seconds)
            history.append(metrics)
            onEpoch(metrics)
            if plateau != nil { plateauScale = plateau!.observe(loss: metrics.trainLoss) }
            try afterEpoch(history, optimizer)
        }
        return history
    }

    /// Fraction of `data` that `model` classifies correctly, in evaluation mode without gradients.
    public static func accuracy(of model: Module, on data: BatchLoader) -> Double {
        model.eval()
        defer { model.train() }
        var tally = ClassificationTally()
        withoutGradients {
            for batch in data.epoch(0) {
                tally.add(predictions: model(batch.images).argmax(axis: 1), labels: batch.labels)
            }
        }
        return tally.accuracy
    }
}
