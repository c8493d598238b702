import Engine
import Foundation

/// What the processes of a data-parallel run exchange after each step's backward pass (one `Collective.sum`
/// of every gradient, one of a few counters): the gradient of the whole batch's mean loss, which is each
/// process's mean-loss gradient weighted by its share of the batch's examples (so an uneven last batch
/// weighs right, and a process whose share is empty adds zeros) and the whole batch's tally; then whether any
/// process was asked to stop, so that all stop after the same step.
final class DataParallelStep {
    let collective: Collective
    private let parameters: [Tensor]
    private let gradients: UnsafeMutableBufferPointer<Float>

    /// Whether batch norm normalizes by the statistics of every process's share (`BatchNormSync`).
    let synchronizesBatchNorm: Bool

    init(parameters: [Tensor], collective: Collective, synchronizingBatchNorm: Bool = false) {
        self.parameters = parameters
        self.collective = collective
        synchronizesBatchNorm = synchronizingBatchNorm
        gradients = .allocate(capacity: parameters.reduce(0) { $0 + $1.count })
    }

    deinit { gradients.deallocate() }

    /// Replaces every parameter's gradient by the whole batch's and returns the whole batch's tally; `step` is
    /// this process's tally of the step alone.
    func exchange(_ step: TrainingTally) -> TrainingTally {
        let weight = Float(step.examples)
        var offset = 0
        for p in parameters {
            let target = gradients.baseAddress! + offset
            if let grad = p.grad, weight > 0 {
                for i in 0..<p.count { target[i] = grad.data[i] * weight }
            } else {
                target.update(repeating: 0, count: p.count)
            }
            offset += p.count
        }
        collective.sum(gradients)
        // Then the counts, and for each parameter how many processes had a gradient for it: one that none had
        // keeps none, so that the optimizer leaves it alone as in a single run.
        var counters = [Double(step.examples), Double(step.correct), step.lossSum] + parameters.map { $0.grad == nil ? 0 : 1 }
        collective.sum(&counters)
        let whole = TrainingTally(examples: Int(counters[0]), correct: Int(counters[1]), lossSum: counters[2])
        let scale = whole.examples > 0 ? 1 / Float(whole.examples) : 0
        offset = 0
        for (index, p) in parameters.enumerated() {
            defer { offset += p.count }
            guard counters[3 + index] > 0 else { p.grad = nil; continue }
            // A new tensor: a gradient may be shared between parameters.
            let grad = Tensor(shape: p.shape, repeating: 0)
            let source = gradients.baseAddress! + offset
            for i in 0..<p.count { grad.data[i] = source[i] * scale }
            p.grad = grad
        }
        return whole
    }

    /// Runs a step's forward and backward pass: with batch norm synchronized if asked, and with a generator of
    /// their own for dropout, seeded from the run's generator (which every process draws alike, so that a
    /// checkpoint's stays right for all) and this process's rank, so that each process's share gets masks of
    /// its own, not the same ones as the others'. (Masks therefore differ from a single run's: the same
    /// distribution, not the same draws.)
    func step(_ body: () throws -> Void) rethrows {
        let seed = Random.global.next() ^ (UInt64(collective.rank) &* 0x9E37_79B9_7F4A_7C15)
        let collective = collective
        let sync = synchronizesBatchNorm ? BatchNormSync { collective.sum($0) } : nil
        try BatchNormSync.$current.withValue(sync) { try Random.withGenerator(seed: seed, body) }
    }

    /// The signal that stops every process after this step: this process's `signal`, else SIGINT if another
    /// process was asked to stop, else nil.
    func agreeOnStop(_ signal: Int32?) -> Int32? {
        var stopping = [signal == nil ? 0.0 : 1.0]
        collective.sum(&stopping)
        return signal ?? (stopping[0] > 0 ? SIGINT : nil)
    }

    /// Gives every process process 0's weights and buffers (batch norm's running statistics, which each
    /// process otherwise keeps from its own share, as PyTorch's DistributedDataParallel broadcasts them).
    static func broadcastState(of model: Module, over collective: Collective) {
        for (_, tensor) in model.stateDictionary() {
            collective.broadcast(UnsafeMutableBufferPointer(start: tensor.data, count: tensor.count))
        }
    }
}
