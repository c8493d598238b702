import Foundation

/// Adam (Kingma and Ba), with PyTorch's semantics and bias correction. `decoupledWeightDecay` makes it
/// AdamW (Loshchilov and Hutter): the decay shrinks the weights directly instead of joining the gradient.
public final class Adam: Optimizer {
    public let parameters: [Tensor]
    public var learningRate: Float
    public let beta1: Float, beta2: Float, epsilon: Float, weightDecay: Float
    public let decoupledWeightDecay: Bool
    private var firstMoments: [Tensor?], secondMoments: [Tensor?]
    private var steps = 0

    public init(_ parameters: [Tensor], learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999,
                epsilon: Float = 1e-8, weightDecay: Float = 0, decoupledWeightDecay: Bool = false) {
        self.parameters = parameters
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        self.decoupledWeightDecay = decoupledWeightDecay
        firstMoments = Array(repeating: nil, count: parameters.count)
        secondMoments = firstMoments
    }

    /// AdamW with PyTorch's default decay of 0.01.
    public static func w(_ parameters: [Tensor], learningRate: Float = 1e-3, weightDecay: Float = 0.01) -> Adam {
        Adam(parameters, learningRate: learningRate, weightDecay: weightDecay, decoupledWeightDecay: true)
    }

    public var state: [(String, Tensor)] {
        [("step", Tensor(Float(steps)))]
            + firstMoments.enumerated().compactMap { i, m in m.map { ("exp_avg.\(i)", $0) } }
            + secondMoments.enumerated().compactMap { i, v in v.map { ("exp_avg_sq.\(i)", $0) } }
    }

    public func load(state: [String: Tensor]) throws {
        try restore(state, prefix: "exp_avg", parameters: parameters, into: &firstMoments)
        try restore(state, prefix: "exp_avg_sq", parameters: parameters, into: &secondMoments)
        guard let step = state["step"] else { return steps = 0 }
        guard step.count == 1, step.item >= 0, step.item <= 1e9, step.item == step.item.rounded() else {
            throw OptimizerStateMismatch(description: "optimizer state step holds \(step.scalars.prefix(4)), not a step count")
        }
        steps = Int(step.item)
    }

    public func step() {
        steps += 1
        let correction1 = 1 - Foundation.pow(beta1, Float(steps)), correction2 = 1 - Foundation.pow(beta2, Float(steps))
        let stepSize = learningRate / correction1
        for (index, p) in parameters.enumerated() {
            guard let grad = p.grad else { continue }
            let first = firstMoments[index] ?? Tensor.zeros(p.shape), second = secondMoments[index] ?? Tensor.zeros(p.shape)
            firstMoments[index] = first
            secondMoments[index] = second
            let w = p.data, g = grad.data, m = first.data, v = second.data
            let (b1, b2, eps, wd, lr) = (beta1, beta2, epsilon, weightDecay, learningRate)
            let decoupled = decoupledWeightDecay
            // Eight lanes at a time, then the tail: the update is memory-bound, so one pass over w, g, m, v, split
            // across threads (ranges in multiples of 8, so that only the last has a tail).
            parallelChunks((p.count + 7) / 8, costPerItem: 8 * 7) { blocks in
                var i = blocks.lowerBound * 8
                let end = min(p.count, blocks.upperBound * 8)
                while i + 8 <= end {
                    var wv = loadVector(w + i), d = loadVector(g + i)
                    if decoupled { wv -= lr * wd * wv } else { d += wd * wv }
                    let mv = b1 * loadVector(m + i) + (1 - b1) * d
                    let vv = b2 * loadVector(v + i) + (1 - b2) * d * d
                    wv -= stepSize * mv / ((vv / correction2).squareRoot() + eps)
                    storeVector(mv, m + i); storeVector(vv, v + i); storeVector(wv, w + i)
                    i += 8
                }
                while i < end {
                    if decoupled { w[i] -= lr * wd * w[i] }
                    let d = decoupled ? g[i] : g[i] + wd * w[i]
                    m[i] = b1 * m[i] + (1 - b1) * d
                    v[i] = b2 * v[i] + (1 - b2) * d * d
                    w[i] -= stepSize * m[i] / ((v[i] / correction2).squareRoot() + eps)
                    i += 1
                }
            }
        }
    }
}
