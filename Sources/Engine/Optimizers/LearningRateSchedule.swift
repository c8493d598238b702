import Foundation

/// How the learning rate changes over a run, as a factor of the base rate (PyTorch's and the notes'
/// schedulers). A schedule steps once per epoch or once per batch (the recipe's `scheduleUnit`); `step`
/// counts those units from 0, and cosine and polynomial decay span the whole run unless given a length.
public indirect enum LearningRateSchedule: Sendable, Equatable {
    case constant
    /// Multiply by `gamma` every `every` steps (StepLR).
    case step(every: Int, gamma: Float)
    /// Multiply by `gamma` at each milestone (MultiStepLR).
    case multiStep(milestones: [Int], gamma: Float)
    /// Multiply by `gamma` every step (ExponentialLR).
    case exponential(gamma: Float)
    /// e^(-rate * step): natural-exponential decay.
    case naturalExponential(rate: Float)
    /// 1 / (1 + rate * step): inverse-time decay.
    case inverseTime(rate: Float)
    /// `factors[i]` from boundary i - 1 on: factors[0] before `boundaries[0]`, factors[1] up to
    /// `boundaries[1]`, ... (piecewise constant; one more factor than boundaries).
    case piecewise(boundaries: [Int], factors: [Float])
    /// Half a cosine from 1 down to `minimumFactor` over `epochs` steps (CosineAnnealingLR); nil: the run.
    case cosine(epochs: Int? = nil, minimumFactor: Float = 0)
    /// (1 - step / epochs)^power (PolynomialLR); nil: the run.
    case polynomial(epochs: Int? = nil, power: Float)
    /// The Transformer's: linear warm-up over `warmup` steps to 1, then decay as (warmup / step)^0.5
    /// (Vaswani et al., normalised to peak at 1); meant to step per batch.
    case noam(warmup: Int)
    /// Linear warm-up from `startFactor` to 1 over `epochs` steps, then `then` from its own step 0
    /// (LinearLR followed by another scheduler, as SequentialLR).
    case warmup(epochs: Int, startFactor: Float = 1.0 / 3, then: LearningRateSchedule)

    /// Whether the factors depend on the run's length (cosine or polynomial decay over the whole run).
    public var spansTheRun: Bool {
        switch self {
        case .constant, .step, .multiStep, .exponential, .naturalExponential, .inverseTime, .piecewise, .noam: false
        case let .cosine(epochs, _): epochs == nil
        case let .polynomial(epochs, _): epochs == nil
        case let .warmup(_, _, then): then.spansTheRun
        }
    }

    /// The factor of the base learning rate at `step` of a run of `total` steps.
    public func factor(step: Int, of total: Int) -> Float {
        switch self {
        case .constant: return 1
        case let .step(every, gamma): return Foundation.pow(gamma, Float(step / max(every, 1)))
        case let .multiStep(milestones, gamma): return Foundation.pow(gamma, Float(milestones.filter { $0 <= step }.count))
        case let .exponential(gamma): return Foundation.pow(gamma, Float(step))
        case let .naturalExponential(rate): return Foundation.exp(-rate * Float(step))
        case let .inverseTime(rate): return 1 / (1 + rate * Float(step))
        case let .piecewise(boundaries, factors): return factors[boundaries.filter { $0 <= step }.count]
        case let .cosine(epochs, minimum):
            let length = epochs ?? total
            let progress = Float(min(step, length)) / Float(max(length, 1))
            return minimum + (1 - minimum) * (1 + Foundation.cos(Float.pi * progress)) / 2
        case let .polynomial(epochs, power):
            return Foundation.pow(max(0, 1 - Float(step) / Float(max(epochs ?? total, 1))), power)
        case let .noam(warmup):
            let t = Float(step + 1), w = Float(max(warmup, 1))
            return min(t / w, (w / t).squareRoot())
        case let .warmup(epochs, start, then):
            return step < epochs ? start + (1 - start) * Float(step) / Float(epochs)
                : then.factor(step: step - epochs, of: total - epochs)
        }
    }
}

/// ReduceLROnPlateau: after `patience` epochs without the monitored loss improving on its best by
/// more than `threshold` (relative), the factor is multiplied by `factor`.
public struct PlateauReducer: Sendable {
    public let factor: Float, patience: Int, threshold: Float
    public private(set) var scale: Float = 1
    private var best = Double.infinity, badEpochs = 0

    public init(factor: Float = 0.1, patience: Int = 10, threshold: Float = 1e-4) {
        self.factor = factor
        self.patience = patience
        self.threshold = threshold
    }

    /// Records one epoch's loss and returns the factor to use from now on.
    public mutating func observe(loss: Double) -> Float {
        if loss < best * (1 - Double(threshold)) {
            best = loss
            badEpochs = 0
        } else {
            badEpochs += 1
            if badEpochs > patience {
                scale *= factor
                badEpochs = 0
            }
        }
        return scale
    }
}
