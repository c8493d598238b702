import Foundation

/// Losses that compare a prediction with a target element by element and average (PyTorch's default
/// `reduction="mean"`). Targets are constants: only the prediction gets a gradient.

/// Mean squared error (`MSELoss`): mean of (p - t)².
public func mseLoss(_ prediction: Tensor, _ target: Tensor) -> Tensor {
    meanPointwiseLoss(prediction, target, "mseLoss", value: { p, t in (p - t) * (p - t) }, derivative: { p, t in 2 * (p - t) })
}

/// Mean absolute error (`L1Loss`): mean of |p - t|; its gradient at p = t is 0, as PyTorch's.
public func l1Loss(_ prediction: Tensor, _ target: Tensor) -> Tensor {
    meanPointwiseLoss(prediction, target, "l1Loss", value: { p, t in abs(p - t) }, derivative: { p, t in p > t ? 1 : p < t ? -1 : 0 })
}

/// `SmoothL1Loss(beta)`: 0.5 d² / beta where |d| < beta, else |d| - 0.5 beta, for d = p - t (beta 0: L1).
public func smoothL1Loss(_ prediction: Tensor, _ target: Tensor, beta: Float = 1) -> Tensor {
    precondition(beta >= 0, "smoothL1Loss needs beta >= 0, got \(beta)")
    return meanPointwiseLoss(prediction, target, "smoothL1Loss",
                             value: { p, t in abs(p - t) < beta ? 0.5 * (p - t) * (p - t) / beta : abs(p - t) - 0.5 * beta },
                             derivative: { p, t in abs(p - t) < beta ? (p - t) / beta : p > t ? 1 : p < t ? -1 : 0 })
}

/// `HuberLoss(delta)`: 0.5 d² where |d| <= delta, else delta (|d| - 0.5 delta); delta times `smoothL1Loss`
/// with beta = delta.
public func huberLoss(_ prediction: Tensor, _ target: Tensor, delta: Float = 1) -> Tensor {
    precondition(delta > 0, "huberLoss needs delta > 0, got \(delta)")
    return smoothL1Loss(prediction, target, beta: delta) * delta
}

/// Binary cross-entropy on logits (`BCEWithLogitsLoss`, log loss): mean of
/// -[t log σ(x) + (1 - t) log(1 - σ(x))], computed as max(x, 0) - x t + log(1 + e^-|x|) so that large
/// logits neither overflow nor lose the small term; the gradient is (σ(x) - t) / n.
public func binaryCrossEntropy(logits: Tensor, targets: Tensor) -> Tensor {
    meanPointwiseLoss(logits, targets, "binaryCrossEntropy",
                      value: { x, t in max(x, 0) - x * t + Foundation.log1p(Foundation.exp(-abs(x))) },
                      derivative: { x, t in 1 / (1 + Foundation.exp(-x)) - t })
}

/// mean over elements of value(p, t), with dL/dp = derivative(p, t) / n.
private func meanPointwiseLoss(_ prediction: Tensor, _ target: Tensor, _ name: String,
                               value: (Float, Float) -> Float, derivative: @escaping (Float, Float) -> Float) -> Tensor {
    precondition(prediction.shape == target.shape, "\(name) shapes differ: \(prediction.shape) vs \(target.shape)")
    let n = prediction.count
    var total: Double = 0
    for i in 0..<n { total += Double(value(prediction.data[i], target.data[i])) }
    let result = Tensor(Float(total / Double(max(n, 1))))
    return result.recording([prediction]) { g in
        let dx = Tensor(uninitialized: prediction.shape), scale = g.data[0] / Float(max(n, 1))
        for i in 0..<n { dx.data[i] = derivative(prediction.data[i], target.data[i]) * scale }
        return [dx]
    }
}
