/// Batch normalization with learned scale and shift and running statistics, as PyTorch's
/// `nn.BatchNorm1d` / `nn.BatchNorm2d`, with its state_dict keys: weight, bias, running_mean,
/// running_var, num_batches_tracked.
public final class BatchNorm: Module {
    public let weight: Tensor
    public let bias: Tensor
    public let runningMean: Tensor
    public let runningVariance: Tensor
    /// Training batches seen (PyTorch keeps an integer; here a float scalar).
    public let batchesTracked: Tensor
    public let momentum: Float, epsilon: Float

    public init(_ features: Int, momentum: Float = 0.1, epsilon: Float = 1e-5) {
        weight = parameter([features])
        weight.data.update(repeating: 1, count: features)
        bias = parameter([features])
        runningMean = Tensor.zeros([features])
        runningVariance = Tensor(shape: [features], repeating: 1)
        batchesTracked = Tensor.zeros([])
        self.momentum = momentum
        self.epsilon = epsilon
    }

    public override var namedTensors: [(String, Tensor)] {
        [("weight", weight), ("bias", bias), ("running_mean", runningMean), ("running_var", runningVariance),
         ("num_batches_tracked", batchesTracked)]
    }

    public override func forward(_ x: Tensor) -> Tensor { forward(overwriting: x) }

    override func forward(overwriting x: consuming Tensor) -> Tensor {
        if isTraining { batchesTracked.data[0] += 1 }
        return batchNorm(x, weight: weight, bias: bias, runningMean: runningMean, runningVariance: runningVariance,
                         training: isTraining, momentum: momentum, epsilon: epsilon)
    }
}

/// PyTorch's names for the same layer on [N, C] and [N, C, H, W] inputs.
public typealias BatchNorm1d = BatchNorm
public typealias BatchNorm2d = BatchNorm
