import Foundation

/// How the learning rate changes over epochs, as a factor of the base rate (PyTorch's schedulers,
/// stepped once per epoch). `epoch` counts from 0; cosine and polynomial decay span the whole run
/// unless given a length.
public indirect enum LearningRateSchedule: Sendable, Equatable {
    case constant
    /// Multiply by `gamma` every `every` epochs (StepLR).
    case step(every: Int, gamma: Float)
    /// Multiply by `gamma` at each milestone epoch (MultiStepLR).
    case multiStep(milestones: [Int], gamma: Float)
    /// Multiply by `gamma` every epoch (ExponentialLR).
    case exponential(gamma: Float)
    /// Half a cosine from 1 down to `minimumFactor` over `epochs` (CosineAnnealingLR); nil: the run.
    case cosine(epochs: Int? = nil, minimumFactor: Float = 0)
    /// (1 - epoch / epochs)^power (PolynomialLR); nil: the run.
    case polynomial(epochs: Int? = nil, power: Float)
    /// Linear warm-up from `startFactor` to 1 over `epochs`, then `then` from its own epoch 0
    /// (LinearLR followed by another scheduler, as SequentialLR).
    case warmup(epochs: Int, startFactor: Float = 1.0 / 3, then: LearningRateSchedule)

    /// Whether the factors depend on the run's length (cosine or polynomial decay over the whole run).
    public var spansTheRun: Bool {
        switch self {
        case .constant, .step, .multiStep, .exponential: false
        case let .cosine(epochs, _): epochs == nil
        case let .polynomial(epochs, _): epochs == nil
        case let .warmup(_, _, then): then.spansTheRun
        }
    }

    /// The factor of the base learning rate in `epoch` of a run of `totalEpochs`.
    public func factor(epoch: Int, of totalEpochs: Int) -> Float {
        switch self {
        case .constant: return 1
        case let .step(every, gamma): return Foundation.pow(gamma, Float(epoch / max(every, 1)))
        case let .multiStep(milestones, gamma): return Foundation.pow(gamma, Float(milestones.filter { $0 <= epoch }.count))
        case let .exponential(gamma): return Foundation.pow(gamma, Float(epoch))
        case let .cosine(epochs, minimum):
            let length = epochs ?? totalEpochs
            let progress = Float(min(epoch, length)) / Float(max(length, 1))
            return minimum + (1 - minimum) * (1 + Foundation.cos(Float.pi * progress)) / 2
        case let .polynomial(epochs, power):
            return Foundation.pow(max(0, 1 - Float(epoch) / Float(max(epochs ?? totalEpochs, 1))), power)
        case let .warmup(epochs, start, then):
            return epoch < epochs ? start + (1 - start) * Float(epoch) / Float(epochs)
                : then.factor(epoch: epoch - epochs, of: totalEpochs - epochs)
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
