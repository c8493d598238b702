import Datasets
import Engine
import Foundation
import Zoo

/// The training loop of every task: per epoch, optimizer steps over the task's training batches
/// (gradients clipped when the recipe says so), then the task's held-out evaluation; checkpoints at
/// epoch ends and inside epochs, a clean stop on a signal, and an error on a loss that is not a number.
public struct Trainer {
    public let recipe: Recipe
    /// Called with each finished epoch's metrics.
    public var onEpoch: (EpochMetrics) -> Void = { _ in }
    /// Called to save the run's state: after each epoch with `progress` nil, and inside an epoch (with
    /// where it stands) every `checkpointEvery` steps and when a stop is asked for.
    public var checkpoint: ((_ history: [EpochMetrics], _ progress: EpochProgress?, _ optimizer: Optimizer) throws -> Void)?
    /// Steps between checkpoints inside an epoch; nil for epoch ends only.
    public var checkpointEvery: Int?
    /// Asked after every step: a signal makes training save its state and throw `TrainingError.interrupted`.
    public var stopSignal: () -> Int32? = { Interruption.requested }
    /// Early stopping on a held-out `metric` (higher is better): after `patience` epochs without a better
    /// value training stops, and the model ends with the weights of its best epoch (the first best, as
    /// `bestEpoch` finds it in the history).
    public var earlyStopping: (metric: String, patience: Int)?
    /// Called after each training batch with (epoch, batch index, batches, running tally).
    var onBatch: (_ epoch: Int, _ batch: Int, _ batches: Int, _ loss: Double, _ accuracy: Double, _ examplesPerSecond: Double) -> Void = { _, _, _, _, _, _ in }
    /// Data parallelism: the processes training this model together, each on its share of every batch
    /// (see `DataParallelStep`); they start from process 0's weights and evaluate a share each.
    public var collective: Collective?
    /// With a collective: batch norm normalizes by the statistics of the whole batch, every process's share
    /// (PyTorch's SyncBatchNorm), instead of each process's own. Every process must have examples in every
    /// batch (each batch norm layer exchanges its sums in the forward and backward pass).
    public var synchronizesBatchNorm = false

    public init(recipe: Recipe) { self.recipe = recipe }

    /// Trains `model` on `task` for the recipe's epochs and returns each epoch's metrics. To resume, pass
    /// the optimizer (with its restored state), the epochs already done and, for a checkpoint written
    /// inside an epoch, where that epoch stood: training goes on from there.
    public func train<Task: TrainingTask>(_ model: Module, task: Task, optimizer: Optimizer? = nil, after done: [EpochMetrics] = [],
                                          resuming partial: EpochProgress? = nil) throws -> [EpochMetrics] {
        let parameters = model.parameters, weights = parameters.filter { $0.rank >= 2 }
        let optimizer = optimizer ?? recipe.makeOptimizer(for: parameters)
        var plateau = recipe.plateau
        var plateauScale: Float = 1
        // A resumed run's reducer sees the finished epochs' losses again: it decides from them alone.
        for metrics in done where plateau != nil { plateauScale = plateau!.observe(loss: metrics.trainLoss) }
        var history = done
        var best: (epoch: Int, value: Double, state: [[Float]])?
        let dataParallel = collective.map {
            DataParallelStep(parameters: parameters, collective: $0, synchronizingBatchNorm: synchronizesBatchNorm)
        }
        if let collective { DataParallelStep.broadcastState(of: model, over: collective) }
        let share = collective?.share ?? .whole
        var firstLoss: Double?
        for epoch in (done.count + 1)..<(recipe.epochs + 1) {
            optimizer.learningRate = recipe.learningRate * recipe.schedule.factor(step: epoch - 1, of: recipe.epochs) * plateauScale
            let wall = Stopwatch()
            model.train()
            var progress = partial?.epoch == epoch ? partial! : EpochProgress(epoch: epoch)
            let earlierWallSeconds = progress.wallSeconds
            /// What `body` reads; data it cannot read saves where the epoch stands (if the run has a checkpoint)
            /// and stops the run.
            func reading<T>(_ body: () throws -> T) throws -> T {
                do { return try body() } catch {
                    if let checkpoint {
                        progress.wallSeconds = earlierWallSeconds + wall.seconds
                        try checkpoint(history, progress, optimizer)
                    }
                    throw TrainingError.unreadableData(error, epoch: epoch, batch: progress.batches, saved: checkpoint != nil)
                }
            }
            /// Stops on a training loss that is not a number, or that has grown a millionfold over the run's first
            /// (LeNet's saturated sigmoids keep a diverged run's loss finite).
            func check(_ loss: Double) throws {
                let batch = progress.batches + 1
                guard loss.isFinite else {
                    throw TrainingError.nonFiniteLoss(epoch: epoch, batch: batch, learningRate: optimizer.learningRate, l1: recipe.l1)
                }
                if firstLoss == nil { firstLoss = loss }
                guard loss <= max(firstLoss!, 1) * 1e6 else {
                    throw TrainingError.explodingLoss(first: firstLoss!, now: loss, epoch: epoch, batch: batch,
                                                      learningRate: optimizer.learningRate, l1: recipe.l1)
                }
            }
            let batches = task.trainingBatches(epoch: epoch, from: progress.batches, share: share)
            // A step's time includes waiting for its batch (images streamed from files).
            var step = Stopwatch()
            while let batch = try reading({ try batches.next() }) {
                if recipe.scheduleUnit == .batch {
                    let batches = task.trainingBatchCount
                    optimizer.learningRate = recipe.learningRate * plateauScale
                        * recipe.schedule.factor(step: (epoch - 1) * batches + progress.batches, of: recipe.epochs * batches)
                }
                progress.tally.add(try self.step(model, task, on: batch, optimizer: optimizer, parameters: parameters,
                                                 weights: weights, dataParallel: dataParallel, check: check))
                progress.trainSeconds += step.seconds
                progress.batches += 1
                onBatch(epoch, progress.batches, task.trainingBatchCount, progress.tally.meanLoss, progress.tally.accuracy,
                        Double(progress.tally.examples) / progress.trainSeconds)
                let signal = agreedStopSignal(dataParallel)
                // The epoch's end writes a checkpoint of its own.
                let due = checkpointEvery.map { progress.batches % $0 == 0 && progress.batches < task.trainingBatchCount } ?? false
                if let checkpoint, signal != nil || due {
                    progress.wallSeconds = earlierWallSeconds + wall.seconds
                    try checkpoint(history, progress, optimizer)
                }
                if let signal {
                    throw TrainingError.interrupted(signal: signal, epoch: epoch, batch: progress.batches,
                                                    saved: checkpoint != nil)
                }
                step.restart()
            }
            let evaluation = Stopwatch()
            let (heldOut, evaluated) = try reading { try evaluate(model, task) }
            let metrics = EpochMetrics(
                epoch: epoch, trainLoss: progress.tally.meanLoss, trainAccuracy: progress.tally.accuracy, heldOut: heldOut,
                trainExamplesPerSecond: Double(progress.tally.examples) / progress.trainSeconds,
                evalExamplesPerSecond: Double(evaluated) / evaluation.seconds, wallSeconds: earlierWallSeconds + wall.seconds)
            history.append(metrics)
            onEpoch(metrics)
            if plateau != nil { plateauScale = plateau!.observe(loss: metrics.trainLoss) }
            var stopping = false
            if let (metric, patience) = earlyStopping, let value = metrics.heldOut[metric] {
                if let kept = best, !(value > kept.value) {
                    stopping = epoch - kept.epoch >= patience
                } else {
                    best = (epoch, value, model.stateDictionary().map(\.1.scalars))
                }
            }
            try checkpoint?(history, nil, optimizer)
            if let signal = agreedStopSignal(dataParallel) {
                throw TrainingError.interrupted(signal: signal, epoch: epoch, batch: progress.batches,
                                                saved: checkpoint != nil)
            }
            if stopping { break }
        }
        if let best {
            for ((_, tensor), values) in zip(model.stateDictionary(), best.state) { tensor.data.update(from: values, count: values.count) }
        }
        return history
    }

    /// One optimizer step on `batch` (nil: this process's share of the batch is empty, and it takes part all the
    /// same): the loss (plus the recipe's L1 penalty on `weights`) back-propagated, under data parallelism the
    /// gradients summed over processes, `check`ed, clipped, applied. Returns the step's tally (every process's).
    private func step<Task: TrainingTask>(_ model: Module, _ task: Task, on batch: Task.Batch?, optimizer: Optimizer,
                                          parameters: [Tensor], weights: [Tensor], dataParallel: DataParallelStep?,
                                          check: (Double) throws -> Void) throws -> TrainingTally {
        optimizer.zeroGrad()
        var tally = TrainingTally()
        if let batch {
            try (dataParallel?.step ?? { try $0() }) {
                let loss = task.loss(of: model, on: batch, tally: &tally)
                if dataParallel == nil { try check(Double(loss.item)) }
                (recipe.l1 > 0 ? loss + recipe.l1 * l1Norm(weights) : loss).backward()
            }
        }
        if let dataParallel {
            tally = dataParallel.exchange(tally)
            try check(tally.meanLoss)
        }
        if let clip = recipe.gradientClip { clipGradientNorm(parameters, maximumNorm: clip) }
        optimizer.step()
        return tally
    }

    /// Whether to stop now, and on which signal: under data parallelism, agreed by every process.
    private func agreedStopSignal(_ dataParallel: DataParallelStep?) -> Int32? {
        guard let dataParallel else { return stopSignal() }
        return dataParallel.agreeOnStop(stopSignal())
    }

    /// The task's held-out metrics; under data parallelism each process measures its share (with process 0's
    /// batch-norm statistics) and the sums are added up.
    private func evaluate<Task: TrainingTask>(_ model: Module, _ task: Task) throws -> (metrics: [String: Double], count: Int) {
        guard let collective else { return try task.evaluate(model) }
        DataParallelStep.broadcastState(of: model, over: collective)
        let mine = try task.heldOutSums(model, share: collective.share)
        return task.heldOutMetrics(collective.gather(mine.encoded).map(HeldOutSums.init(decoding:)).reduce(HeldOutSums(), +))
    }

    /// The epoch with the best value of `metric` (the first of equals), as early stopping keeps it.
    public static func bestEpoch(of history: [EpochMetrics], metric: String) -> EpochMetrics? {
        history.reduce(nil) { best, metrics in
            (metrics.heldOut[metric] ?? -.infinity) > (best?.heldOut[metric] ?? -.infinity) ? metrics : best
        }
    }

    /// Trains an image classifier on `training`, evaluating on `test` (a `ClassificationTask`).
    public func train(_ model: Module, optimizer: Optimizer? = nil, on training: BatchLoader, evaluatingOn test: BatchLoader,
                      after done: [EpochMetrics] = [], resuming partial: EpochProgress? = nil) throws -> [EpochMetrics] {
        try train(model, task: ClassificationTask(training: training, test: test), optimizer: optimizer, after: done, resuming: partial)
    }
}

/// Where training stands inside an epoch: what a checkpoint written mid-epoch resumes from.
public struct EpochProgress: Codable, Equatable, Sendable {
    public var epoch: Int
    /// Training batches done in this epoch.
    public var batches = 0
    /// Their examples, correct predictions and summed loss.
    var tally = TrainingTally()
    /// Seconds spent in training steps, and in the epoch as a whole, so far.
    var trainSeconds = 0.0, wallSeconds = 0.0

    init(epoch: Int) { self.epoch = epoch }
}
