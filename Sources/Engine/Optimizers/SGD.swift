/// Something that updates parameters from their gradients.
public protocol Optimizer: AnyObject {
    /// The tensors it updates.
    var parameters: [Tensor] { get }
    var learningRate: Float { get set }
    /// Applies one update from the current gradients.
    func step()
    /// Forgets the gradients (call before each backward pass).
    func zeroGrad()
    /// The optimizer's own state (momentum buffers, moments, step count) by name, for checkpoints.
    var state: [(String, Tensor)] { get }
    /// Restores `state` as `state` returned it.
    func load(state: [String: Tensor]) throws
}

extension Optimizer {
    public func zeroGrad() { parameters.forEach { $0.grad = nil } }
}

/// An optimizer checkpoint that does not fit the optimizer it is loaded into.
public struct OptimizerStateMismatch: Error, CustomStringConvertible {
    public let description: String
}

/// Restores per-parameter tensors named "<prefix>.<index>" into `slots`, checking shapes.
func restore(_ state: [String: Tensor], prefix: String, parameters: [Tensor], into slots: inout [Tensor?]) throws {
    for (index, p) in parameters.enumerated() {
        guard let saved = state["\(prefix).\(index)"] else { slots[index] = nil; continue }
        guard saved.shape == p.shape else {
            throw OptimizerStateMismatch(description: "optimizer state \(prefix).\(index) has shape \(saved.shape), "
                                             + "the parameter has \(p.shape)")
        }
        slots[index] = saved.copy()
    }
}

/// Stochastic gradient descent with PyTorch's semantics:
/// g += wd * p; v = momentum * v + g (v = g on the first step); p -= lr * (nesterov ? g + momentum * v : v).
public final class SGD: Optimizer {
    public let parameters: [Tensor]
    public var learningRate: Float
    public let momentum: Float, weightDecay: Float, nesterov: Bool
    private var velocities: [Tensor?]

    public init(_ parameters: [Tensor], learningRate: Float, momentum: Float = 0, weightDecay: Float = 0, nesterov: Bool = false) {
        precondition(!nesterov || momentum > 0, "Nesterov momentum needs momentum > 0")
        self.parameters = parameters
        self.learningRate = learningRate
        self.momentum = momentum
        self.weightDecay = weightDecay
        self.nesterov = nesterov
        velocities = Array(repeating: nil, count: parameters.count)
    }

    public var state: [(String, Tensor)] {
        velocities.enumerated().compactMap { index, v in v.map { ("momentum_buffer.\(index)", $0) } }
    }

    public func load(state: [String: Tensor]) throws {
        try restore(state, prefix: "momentum_buffer", parameters: parameters, into: &velocities)
    }

    /// Each parameter's update split across threads: it is bound by memory, and one core's share of it is not the
    /// machine's (torchvision VGG-11 has 129 M parameters).
    public func step() {
        for (index, p) in parameters.enumerated() {
            guard let grad = p.grad else { continue }
            let (lr, wd, mu, nesterov) = (learningRate, weightDecay, momentum, nesterov)
            let w = p.data, g = grad.data
            guard mu != 0 else {
                parallelChunks(p.count, costPerItem: 3) { range in
                    for i in range { w[i] -= lr * (g[i] + wd * w[i]) }
                }
                continue
            }
            // v = d on the first step: the buffer starts at zero and keeps none of it. No branch inside the loops, so
            // that they vectorize (with one, VGG-11's step spent a third of its time here).
            let keep: Float = velocities[index] == nil ? 0 : mu
            let velocity = velocities[index] ?? Tensor.zeros(p.shape)
            velocities[index] = velocity
            let v = velocity.data
            parallelChunks(p.count, costPerItem: 5) { range in
                if nesterov {
                    for i in range {
                        let d = g[i] + wd * w[i], updated = keep * v[i] + d
                        v[i] = updated
                        w[i] -= lr * (d + mu * updated)
                    }
                } else {
                    for i in range {
                        let d = g[i] + wd * w[i], updated = keep * v[i] + d
                        v[i] = updated
                        w[i] -= lr * updated
                    }
                }
            }
        }
    }
}
